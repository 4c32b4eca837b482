"""What a family is told to do, from an engine result of either ruleset.

Ruleset 2.0.0 results carry structured advice (`advice.headline`, `steps`, `emergency_signs`,
`what_next`, each with a stable `code`); 1.0.0 results carry one `caregiver_advice` string. This is
the one place that tells them apart, so templates only ever see a `CaregiverAdvice`."""

import re
from dataclasses import dataclass

from assessments.engine import RULESET
from assessments.models import Triage

# The signs for which a family calls the emergency number whatever the advice says; shown with
# 1.0.0 advice, which lists no signs of its own. Codes match ruleset 2.0.0's `emergency_signs`.
EMERGENCY_SIGNS = (
    ("sign.stops_breathing", "Stops breathing, or turns blue, grey or pale"),
    ("sign.eyes", "Eyes roll back, stare, or turn to one side"),
    ("sign.not_stopping", "Shaking does not stop when you gently hold the leg"),
    ("sign.cannot_wake", "Cannot be woken, or is floppy"),
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
        return Triage(self.level).label if self.level in Triage.values else ""


def _line(entry: dict | None) -> AdviceLine | None:
    if not entry or not entry.get("text"):
        return None
    return AdviceLine(code=entry.get("code", ""), text=entry["text"])


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
        emergency_signs=tuple(AdviceLine(code=c, text=t) for c, t in EMERGENCY_SIGNS),
    )


def _from_structured(level: str, advice: dict) -> CaregiverAdvice | None:
    headline = _line(advice.get("headline"))
    if headline is None:
        return None
    signs = tuple(filter(None, map(_line, advice.get("emergency_signs", []))))
    return CaregiverAdvice(
        level=advice.get("level") or level,
        headline=headline,
        steps=tuple(filter(None, map(_line, advice.get("steps", [])))),
        emergency_signs=signs or tuple(AdviceLine(code=c, text=t) for c, t in EMERGENCY_SIGNS),
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
