"""Ruleset 2.0.0 compiled once at import: its entries filed by place and scope, the condition
indexes, advice conditions, the rank of each triage level, and the digest of the data."""

from collections.abc import Iterable, Sequence
from typing import Any

from . import ruleset_2_0_0 as data
from .conditions import Condition, Index, compile_condition, referenced_facts
from .facts_2 import (
    AGE_FACTS,
    LAB_FACTS,
)
from .model import AdviceLine, Pattern, as_data, canonical_digest
from .vocabulary import TEST_2, TRIAGE, codes

TRIAGE_LEVELS: tuple[str, ...] = codes(TRIAGE)

_RANK = {level: rank for rank, level in enumerate(TRIAGE_LEVELS)}
_SAME_DAY = _RANK["same_day"]
_ROUTINE = _RANK["routine_visit"]
_TEST_ORDER = {test: index for index, test in enumerate(codes(TEST_2))}
_SCORE_DAMPING = 3.0
# Support words for people; the score orders the differential and is never a probability.
_SUPPORT = ((0.6, "strong"), (0.4, "moderate"), (0.0, "weak"))
_EPISODE_ONLY = AGE_FACTS | LAB_FACTS


def _compiled(entries: Iterable[AdviceLine]) -> tuple[tuple[AdviceLine, Condition], ...]:
    return tuple((entry, compile_condition(entry.when)) for entry in entries)


def _negate(node: Any) -> Any:
    if isinstance(node, str):
        return node[1:] if node.startswith("!") else "!" + node
    ((operator, children),) = node.items()
    return {"all" if operator == "any" else "any": [_negate(child) for child in children]}


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """A condition with every pattern it names replaced by that pattern's own condition."""
    if isinstance(node, str):
        name = node.removeprefix("!")
        if name in definitions:
            expanded = _inline(definitions[name], definitions)
            return _negate(expanded) if node.startswith("!") else expanded
        return node
    ((operator, children),) = node.items()
    return {operator: [_inline(child, definitions) for child in children]}


def _patterns(patterns: Sequence[Pattern]) -> Index[str]:
    """All patterns of one kind tested in one pass, each labelled with the fact it derives: a
    pattern that names another is compiled with that pattern's condition written in, so no
    pattern waits for another."""
    definitions = {pattern.id: pattern.when for pattern in patterns}
    conditions = [compile_condition(_inline(p.when, definitions)) for p in patterns]
    return Index(conditions, [p.id for p in patterns])


def _scope_index(scopes: frozenset[str]) -> Index[int]:
    """The criteria, rules and red flags of these scopes, each labelled with its place."""
    places = tuple(place for place, entry in enumerate(_IN_ORDER) if entry.scope in scopes)
    return Index([compile_condition(_IN_ORDER[place].when) for place in places], places)


def _referenced(entries: Iterable[Any]) -> frozenset[str]:
    return frozenset(
        fact for entry in entries for fact in referenced_facts(compile_condition(entry.when))
    )


# Case facts an episode-scope condition can name: only these join each episode's context.
_PATTERN_SHARED = _referenced(data.EPISODE_PATTERNS) - AGE_FACTS - LAB_FACTS
_ENTRY_SHARED = (
    _referenced(e for e in (*data.CRITERIA, *data.RULES, *data.RED_FLAGS) if e.scope == "episode")
    - AGE_FACTS
    - LAB_FACTS
)
_INFANT_PATTERNS = _patterns(data.INFANT_PATTERNS)
_EPISODE_PATTERNS = _patterns(data.EPISODE_PATTERNS)
_CASE_PATTERNS = _patterns(data.CASE_PATTERNS)
# Criteria, triage rules and red flags are tested in one pass (one index per scope), labelled
# with their place in the ruleset: sorted places are the ruleset's order, and a place below
# _FIRST_RULE is a criterion, below _FIRST_FLAG a rule, else a red flag.
_IN_ORDER: tuple[Any, ...] = (*data.CRITERIA, *data.RULES, *data.RED_FLAGS)
_FIRST_RULE = len(data.CRITERIA)
_FIRST_FLAG = _FIRST_RULE + len(data.RULES)
_EPISODE_INDEX = _scope_index(frozenset({"episode"}))
_CASE_INDEX = _scope_index(frozenset({"case", "all"}))
_ALL_SCOPE = frozenset(place for place, entry in enumerate(_IN_ORDER) if entry.scope == "all")
_OVERRIDABLE = frozenset(
    place for place, entry in enumerate(_IN_ORDER) if getattr(entry, "overridable", False)
)
_TESTS = tuple(sorted(data.TESTS, key=lambda entry: _TEST_ORDER[entry.test]))
_TEST_INDEX = Index([compile_condition(entry.when) for entry in _TESTS], range(len(_TESTS)))
_QUESTION_INDEX = Index(
    [compile_condition(entry.when) for entry in data.QUESTIONS], range(len(data.QUESTIONS))
)
_REASSURE = compile_condition(data.REASSURE_RULE.when)
_WARNINGS = _compiled(data.WARNING_SIGNS)
_SIGNS = _compiled(data.EMERGENCY_SIGNS)
_FLEXION = compile_condition(data.FLEXION_STEP.when)
_CAUSE_ORDER = {cause: order for order, cause in enumerate(data.CAUSES)}
# Per criterion, by place: its cause's place, 0 for / 1 against, its weight (the differential's
# tally), its id and its text.
_CRITERION_TALLY = tuple(
    (_CAUSE_ORDER[c.cause], 0 if c.direction == "for" else 1, c.weight, c.id, c.text)
    for c in data.CRITERIA
)


class _Prefixed(dict[str, Any]):
    """``"any:" + fact`` for every fact, each string built once."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, fact: str) -> str:
        name = self[fact] = self.prefix + fact
        return name


_ANY = _Prefixed("any:")
_ALL = _Prefixed("all:")

DATA = {
    "version": data.VERSION,
    "age": data.AGE,
    "validity_hours": data.VALIDITY_HOURS,
    "temperature_c": data.TEMPERATURE_C,
    "canonical_units": data.CANONICAL,
    "thresholds": as_data(data.THRESHOLDS),
    "not_interpreted": data.NOT_INTERPRETED,
    "infant_patterns": as_data(data.INFANT_PATTERNS),
    "episode_patterns": as_data(data.EPISODE_PATTERNS),
    "case_patterns": as_data(data.CASE_PATTERNS),
    "causes": data.CAUSES,
    "metabolic_causes": data.METABOLIC_CAUSES,
    "seizure_rules": data.SEIZURE_RULES,
    "criteria": as_data(data.CRITERIA),
    "triage_rules": as_data(data.RULES),
    "current_red_flag_rule": as_data([data.CURRENT_RED_FLAG_RULE]),
    "override": as_data([data.OVERRIDE_RULE]),
    "reassure": as_data([data.REASSURE_RULE]),
    "default_rule": as_data([data.DEFAULT_RULE]),
    "red_flags": as_data(data.RED_FLAGS),
    "result_red_flags": data.RESULT_RED_FLAGS,
    "recommended_tests": as_data(data.TESTS),
    "missing_information": as_data(data.QUESTIONS),
    "advice": {
        "headlines": {level: as_data([line]) for level, line in data.HEADLINES.items()},
        "emergency_steps": as_data(data.EMERGENCY_STEPS),
        "flexion_step": as_data([data.FLEXION_STEP]),
        "level_steps": {level: as_data(lines) for level, lines in data.LEVEL_STEPS.items()},
        "warning_signs": as_data(data.WARNING_SIGNS),
        "signs_intro": as_data([data.SIGNS_INTRO]),
        "emergency_signs": as_data(data.EMERGENCY_SIGNS),
        "what_next": {level: as_data([line]) for level, line in data.WHAT_NEXT.items()},
        "long_event_seconds": data.LONG_EVENT_SECONDS,
    },
}
DIGEST = canonical_digest(DATA)
_RULESET = {"version": data.VERSION, "digest": DIGEST}
