"""``score(case) -> result``: the engine contract of CLINICAL_CRITERIA.md, over the ruleset.

Everything the ruleset says is compiled once at import; a call validates the case, derives its facts
and tests the compiled conditions against them. Nothing here knows a criterion by name except
through ``ruleset.py``.
"""

from typing import Any

from .conditions import compile_condition, holds, referenced_facts
from .facts import CASE_FACTS, EPISODE_FACTS, episode_facts, infant_facts, result_facts, trend_facts
from .ruleset import (
    CAREGIVER_ADVICE,
    CASE_PATTERNS,
    CAUSES,
    CRITERIA,
    DEFAULT_RULE,
    EPISODE_PATTERNS,
    MISSING_INFORMATION,
    OVERRIDE,
    REASSURE,
    RECOMMENDED_TESTS,
    RED_FLAGS,
    RULESET_DIGEST,
    RULESET_VERSION,
    TRIAGE_RULES,
)
from .validation import validate_case
from .vocabulary import TEST, TRIAGE, codes

TRIAGE_LEVELS: tuple[str, ...] = codes(TRIAGE)
_RANK = {level: rank for rank, level in enumerate(TRIAGE_LEVELS)}
_ROUTINE = _RANK["routine_visit"]
_TEST_ORDER = {test: index for index, test in enumerate(codes(TEST))}
# Keeps one weak criterion from looking like a confident conclusion.
_SCORE_DAMPING = 3.0

_EPISODE_PATTERNS = tuple((p["id"], compile_condition(p["when"])) for p in EPISODE_PATTERNS)
_PER_EPISODE = EPISODE_FACTS | {pattern_id for pattern_id, _ in _EPISODE_PATTERNS}
_ANY = {fact: "any:" + fact for fact in _PER_EPISODE}
_ALL = {fact: "all:" + fact for fact in _PER_EPISODE}
_CASE_PATTERNS = tuple((p["id"], compile_condition(p["when"])) for p in CASE_PATTERNS)

_CRITERIA = {
    cause: tuple(
        (
            criterion["direction"],
            criterion["weight"],
            criterion["text"],
            compile_condition(criterion["when"]),
        )
        for criterion in CRITERIA
        if criterion["cause"] == cause
    )
    for cause in CAUSES
}
_TRIAGE = tuple(
    (rule["id"], _RANK[rule["level"]], compile_condition(rule["when"])) for rule in TRIAGE_RULES
)
_RULE_RANK = {rule_id: rank for rule_id, rank, _ in _TRIAGE}
_OVERRIDE = compile_condition(OVERRIDE["when"])
_SUPPRESSED = frozenset(OVERRIDE["suppresses"])
_REASSURE = compile_condition(REASSURE["when"])
_RED_FLAGS = tuple((text, compile_condition(when)) for _, text, _, when in RED_FLAGS)
_TESTS = tuple(
    (test, compile_condition(when), repeat)
    for test, when, repeat in sorted(RECOMMENDED_TESTS, key=lambda entry: _TEST_ORDER[entry[0]])
)
_QUESTIONS = tuple((text, compile_condition(when)) for _, when, text in MISSING_INFORMATION)
_RULESET = {"version": RULESET_VERSION, "digest": RULESET_DIGEST}


def _check_ruleset_facts() -> None:
    """A condition naming a fact nothing derives would silently never fire: refuse at import."""
    episode_known = set(EPISODE_FACTS)
    for pattern_id, condition in _EPISODE_PATTERNS:
        unknown = referenced_facts(condition) - episode_known
        if unknown:
            raise RuntimeError(f"episode pattern {pattern_id} names unknown facts {unknown}")
        episode_known.add(pattern_id)
    case_known = set(CASE_FACTS) | set(_ANY.values()) | set(_ALL.values())
    case_known.update(pattern_id for pattern_id, _ in _CASE_PATTERNS)
    conditions = [c for _, c in _CASE_PATTERNS] + [_OVERRIDE, _REASSURE]
    conditions += [c for entries in _CRITERIA.values() for *_, c in entries]
    conditions += [c for *_, c in _TRIAGE] + [c for _, c in _RED_FLAGS]
    conditions += [c for _, c, _ in _TESTS] + [c for _, c in _QUESTIONS]
    for condition in conditions:
        unknown = referenced_facts(condition) - case_known
        if unknown:
            raise RuntimeError(f"the ruleset names facts nothing derives: {sorted(unknown)}")


_check_ruleset_facts()


def case_facts(case: object) -> tuple[set[str], set[str]]:
    """Validate a case; return its facts and the tests that already have a result."""
    infant, episodes, results = validate_case(case)
    facts = infant_facts(infant)
    found, done = result_facts(infant, results)
    facts |= found
    facts |= trend_facts(episodes)
    if episodes:
        per_episode = []
        for episode in episodes:
            own = episode_facts(episode)
            for pattern_id, condition in _EPISODE_PATTERNS:
                if holds(condition, own):
                    own.add(pattern_id)
            per_episode.append(own)
        facts.add("has_episodes")
        facts.update(_ANY[fact] for fact in set().union(*per_episode))
        facts.update(_ALL[fact] for fact in set.intersection(*per_episode))
    for pattern_id, condition in _CASE_PATTERNS:
        if holds(condition, facts):
            facts.add(pattern_id)
    return facts, done


def _differential(facts: set[str]) -> list[dict[str, Any]]:
    ranked = []
    for order, cause in enumerate(CAUSES):
        weight_for = weight_against = 0
        reasons_for: list[str] = []
        reasons_against: list[str] = []
        for direction, weight, text, condition in _CRITERIA[cause]:
            if holds(condition, facts):
                if direction == "for":
                    weight_for += weight
                    reasons_for.append(text)
                else:
                    weight_against += weight
                    reasons_against.append(text)
        raw = weight_for / (weight_for + weight_against + _SCORE_DAMPING)
        ranked.append((-raw, order, cause, reasons_for, reasons_against))
    ranked.sort()
    return [
        {"cause": cause, "score": round(-negative, 2), "for": reasons_for, "against": against}
        for negative, _, cause, reasons_for, against in ranked
    ]


def _triage(facts: set[str]) -> tuple[str, list[str]]:
    fired = [rule_id for rule_id, _, condition in _TRIAGE if holds(condition, facts)]
    overridden = holds(_OVERRIDE, facts)
    if overridden:
        fired = [rule_id for rule_id in fired if rule_id not in _SUPPRESSED]
    level = max((_RULE_RANK[rule_id] for rule_id in fired), default=-1)
    rules = [*fired, OVERRIDE["id"]] if overridden else fired
    if level >= _ROUTINE:
        return TRIAGE_LEVELS[level], rules
    if holds(_REASSURE, facts):
        return REASSURE["level"], [*rules, REASSURE["id"]]
    return DEFAULT_RULE["level"], [*rules, DEFAULT_RULE["id"]]


def score(case: dict[str, Any]) -> dict[str, Any]:
    """Score one case (CLINICAL_CRITERIA.md, "Engine contract"); raises ``CaseError`` if invalid."""
    facts, done = case_facts(case)
    differential = _differential(facts)
    leading = differential[0]
    triage, rules = _triage(facts)
    tests: list[str] = []
    for test, condition, repeat in _TESTS:
        if (repeat or test not in done) and test not in tests and holds(condition, facts):
            tests.append(test)
    return {
        "ruleset": dict(_RULESET),
        "leading_cause": leading["cause"] if leading["for"] else None,
        "triage": triage,
        "triage_rules": rules,
        "differential": differential,
        "red_flags": [text for text, condition in _RED_FLAGS if holds(condition, facts)],
        "recommended_tests": tests,
        "missing_information": [text for text, c in _QUESTIONS if holds(c, facts)],
        "caregiver_advice": CAREGIVER_ADVICE[triage],
    }
