"""Rulesets as typed data: frozen dataclasses for every criterion, rule, threshold, question and
line of advice, each with its id (or code), its text and its sources, compiled once into a
``Ruleset``.

A ``when`` condition is written over named facts (see ``conditions.py``): a string names a fact,
``"!fact"`` negates it, ``{"all": [...]}`` and ``{"any": [...]}`` combine conditions. ``scope``
says what a condition is tested against:

- ``"episode"``: one episode at a time (its own answers, the infant's age when it started, the
  results inside their validity window around it, and the infant's record); the criterion or rule
  names every episode it held for, so a feature of one episode is never credited to another;
- ``"all"``: every episode (and at least one) satisfies it;
- ``"case"``: the case as a whole (infant record, current results, ``any:``/``all:`` facts).
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

Condition = object  # str | {"all": [...]} | {"any": [...]}
Sources = tuple[str, ...]


@dataclass(frozen=True)
class Pattern:
    """A fact derived from other facts (per episode or for the case), evaluated in order."""

    id: str
    when: Condition
    text: str = ""
    sources: Sources = ()
    scope: str = "episode"


@dataclass(frozen=True)
class Criterion:
    id: str
    cause: str
    direction: str  # "for" | "against"
    weight: int
    text: str
    sources: Sources
    when: Condition
    scope: str = "case"


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    text: str
    sources: Sources
    when: Condition
    scope: str = "case"
    # Rules a normal recording of the same event type cancels (the video-EEG override).
    overridable: bool = False


@dataclass(frozen=True)
class RedFlag:
    id: str
    text: str
    sources: Sources
    when: Condition
    scope: str = "case"


@dataclass(frozen=True)
class TestRecommendation:
    test: str
    when: Condition
    # Recommended even when a current result exists (a low value is measured again).
    repeat: bool = False
    text: str = ""
    scope: str = "case"


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    when: Condition
    sources: Sources = ()


@dataclass(frozen=True)
class Threshold:
    id: str
    test: str
    flag: str
    comparison: str  # "<" | "<=" | ">" | ">="
    value: float  # in the test's canonical unit
    unit: str
    rule: str
    sources: Sources
    hours: tuple[float | None, float | None] = (None, None)
    population: str = ""
    category: str = ""


@dataclass(frozen=True)
class AdviceLine:
    code: str
    text: str
    sources: Sources = ()
    # Case facts under which the line is given ("" = always, for its part of the advice).
    when: Condition = ""


@dataclass(frozen=True)
class Ruleset:
    """One released ruleset: its data (what the digest covers) and the function that scores."""

    version: str
    digest: str
    data: dict[str, Any] = field(repr=False, compare=False)
    scorer: Callable[[Any], dict[str, Any]] = field(repr=False, compare=False)
    criteria: tuple[Criterion, ...] = ()
    rules: tuple[Rule, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    tests: tuple[TestRecommendation, ...] = ()
    questions: tuple[Question, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    advice: tuple[AdviceLine, ...] = ()
    causes: tuple[str, ...] = ()

    def score(self, case: object) -> dict[str, Any]:
        return self.scorer(case)


def canonical_digest(data: object) -> str:
    """sha256 of the canonical JSON of ruleset data (sorted keys, no whitespace, ASCII)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def as_data(items: Iterable[Any]) -> list[dict[str, Any]]:
    return [asdict(item) for item in items]
