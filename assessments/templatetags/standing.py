"""The infant's standing in words: `{% load standing %}{{ infant.current_triage|triage_label }}`.

The infant record (patients) stores the triage level and leading cause its latest assessment
concluded; their wording is the engine's vocabulary, which only this app and the apps above it
read.
"""

from django import template

from assessments.engine.vocabulary import CAUSE_2, TRIAGE

register = template.Library()

# Every ruleset's causes: 2.0.0's vocabulary extends 1.0.0's with the same wording.
_CAUSE_LABELS = dict(CAUSE_2)
_TRIAGE_LABELS = dict(TRIAGE)


@register.filter
def triage_label(level: str | None) -> str:
    """The triage level in words; "" when the infant has not been assessed."""
    return _TRIAGE_LABELS.get(level or "", "")


@register.filter
def cause_label(cause: str | None) -> str:
    """The leading cause in words; "" when no cause leads."""
    return _CAUSE_LABELS.get(cause or "", "")
