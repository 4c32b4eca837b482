"""What a family is told to do, from an engine result of either ruleset.

Ruleset 2.0.0 results carry structured advice (`advice.headline`, `steps`, `emergency_signs`,
`what_next`, each with a stable `code`); 1.0.0 results carry one `caregiver_advice` string. This is
the one place that tells them apart, so templates only ever see a `CaregiverAdvice`. Lines with a
code are read in the active language (`assessments.advice_text`); 1.0.0's prose stays as stored."""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from assessments.advice_text import advice_text
from assessments.engine import RULESET
from assessments.models import Triage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The triage levels in a family's words (staff pages read Triage's labels).
LEVEL_FOR_FAMILY: dict[str, "StrOrPromise"] = {
    Triage.REASSURE_MONITOR: _("Reassure and monitor"),
    Triage.ROUTINE_VISIT: _("Routine visit"),
    Triage.SAME_DAY: _("Same-day review"),
    Triage.EMERGENCY: _("Emergency"),
}

# The signs for which a family calls the emergency number whatever the advice says; shown with
# 1.0.0 advice, which lists no signs of its own. Codes match ruleset 2.0.0's `emergency_signs`.
EMERGENCY_SIGNS = (
    ("sign.stops_breathing", _("Stops breathing, or turns blue, grey or pale")),
    ("sign.eyes", _("Eyes roll back, stare, or turn to one side")),
    ("sign.not_stopping", _("Shaking does not stop when you gently hold the leg")),
    ("sign.cannot_wake", _("Cannot be woken, or is floppy")),
)


@dataclass(frozen=True)
class AdviceLine:
    code: str
    text: str


@dataclass(frozen=True)
class CaregiverAdvice:
    level: str
    headline: AdviceLine
    steps: tuple[AdviceLine, ...] = ()
    emergency_signs: tuple[AdviceLine, ...] = ()
    what_next: AdviceLine | None = None

    @property
    def is_emergency(self) -> bool:
        return self.level == Triage.EMERGENCY

    @property
    def level_label(self) -> str:
        return level_for_family(self.level)


def level_for_family(level: str | None) -> str:
    """A triage level as the portal names it, in the active language ("" if none)."""
    return str(LEVEL_FOR_FAMILY.get(level, "")) if level else ""


def _line(entry: dict | None) -> AdviceLine | None:
    if not entry or not entry.get("text"):
        return None
    return AdviceLine(code=entry.get("code", ""), text=_in_reader_language(entry))


def _reads_english() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE).startswith("en")


def _in_reader_language(entry: dict) -> str:
    """The engine writes English: an English reader gets the stored words exactly, any other
    reader the catalogue's translation of the line's code."""
    return entry["text"] if _reads_english() else advice_text(entry)


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part.strip()]


def _from_text(level: str, text: str) -> CaregiverAdvice:
    """1.0.0: the first sentence is the headline, each further sentence a step."""
    sentences = _sentences(text)
    code = f"{level}.v1"
    return CaregiverAdvice(
        level=level,
        headline=AdviceLine(code=f"{code}.headline", text=sentences[0] if sentences else ""),
        steps=tuple(
            AdviceLine(code=f"{code}.step.{i}", text=sentence)
            for i, sentence in enumerate(sentences[1:], start=1)
        ),
        emergency_signs=_default_signs(),
    )


def _default_signs() -> tuple[AdviceLine, ...]:
    return tuple(AdviceLine(code=code, text=str(text)) for code, text in EMERGENCY_SIGNS)


def _from_structured(level: str, advice: dict) -> CaregiverAdvice | None:
    headline = _line(advice.get("headline"))
    if headline is None:
        return None
    signs = tuple(filter(None, map(_line, advice.get("emergency_signs", []))))
    return CaregiverAdvice(
        level=advice.get("level") or level,
        headline=headline,
        steps=tuple(filter(None, map(_line, advice.get("steps", [])))),
        emergency_signs=signs or _default_signs(),
        what_next=_line(advice.get("what_next")),
    )


def advice_from_result(result: dict) -> CaregiverAdvice | None:
    """The advice of a stored engine result, whichever ruleset produced it."""
    level = result.get("triage", "")
    structured = result.get("advice")
    if isinstance(structured, dict):
        advice = _from_structured(level, structured)
        if advice is not None:
            return advice
    text = result.get("caregiver_advice", "")
    return _from_text(level, text) if text else None


def advice_for_level(level: str) -> CaregiverAdvice | None:
    """The advice the current ruleset gives at a triage level: what a family sees after a
    pediatrician changes the triage."""
    by_level = RULESET.get("advice") or RULESET.get("caregiver_advice") or {}
    entry = by_level.get(level)
    if isinstance(entry, dict):
        return _from_structured(level, entry)
    if isinstance(entry, str) and entry:
        return _from_text(level, entry)
    return None


def advice_as_text(advice: CaregiverAdvice | None) -> str:
    """The advice as one message (notifications, the API's `caregiver_advice`)."""
    if advice is None:
        return ""
    return " ".join(line.text for line in (advice.headline, *advice.steps))


def advice_message(result: dict) -> str:
    """A result's advice as one message (email, SMS) in the active language: every line, one
    per line, each once, as the engine joins them into `caregiver_advice` (which an English
    reader, or the reader of a 1.0.0 result, gets as stored)."""
    structured = result.get("advice")
    if _reads_english() or not isinstance(structured, dict):
        return result.get("caregiver_advice", "")
    lines = [
        structured.get("headline"),
        *structured.get("steps", []),
        *structured.get("emergency_signs", []),
        structured.get("what_next"),
    ]
    return "\n".join(
        dict.fromkeys(advice_text(line) for line in lines if line and line.get("text"))
    )
