"""From held entries to the result of ruleset 2.0.0: the differential, the leading cause, the red
flags, the result history, the triage level and the caregiver advice."""

from typing import Any

from . import ruleset_2_0_0 as data
from .compiled_2 import (
    _CRITERION_TALLY,
    _FLEXION,
    _RANK,
    _REASSURE,
    _ROUTINE,
    _SAME_DAY,
    _SCORE_DAMPING,
    _SIGNS,
    _SUPPORT,
    _WARNINGS,
    TRIAGE_LEVELS,
)
from .conditions import holds
from .facts_2 import Lab, in_window
from .model import AdviceLine, RedFlag


def _support(score: float, reasons: list[Any]) -> str:
    if not reasons:
        return "none"
    for limit, word in _SUPPORT:
        if score >= limit:
            return word
    return "weak"  # pragma: no cover


def _differential(held: list[tuple[int, list[int]]]) -> list[dict[str, Any]]:
    """Every cause, from the criteria that hold (by place): those some criterion is for, most
    supported first; then the rest (score 0, as weights are positive) in the ruleset's order."""
    tally: dict[int, list[Any]] = {}
    for place, episodes in held:
        order, against, weight, criterion_id, text = _CRITERION_TALLY[place]
        entry = tally.get(order)
        if entry is None:
            entry = tally[order] = [0, 0, [], []]
        entry[against] += weight
        entry[2 + against].append({"id": criterion_id, "text": text, "episodes": episodes})
    ranked = sorted(
        (weight_for / (weight_for + weight_against + _SCORE_DAMPING), -order, reasons_for,
         reasons_against)
        for order, (weight_for, weight_against, reasons_for, reasons_against) in tally.items()
        if weight_for
    )  # fmt: skip
    differential = [
        {
            "cause": data.CAUSES[-negative_order],
            "score": round(raw, 2),
            "support": _support(raw, reasons_for),
            "for": reasons_for,
            "against": reasons_against,
        }
        for raw, negative_order, reasons_for, reasons_against in reversed(ranked)
    ]
    for order, cause in enumerate(data.CAUSES):
        entry = tally.get(order)
        if entry is None or not entry[0]:
            against = [] if entry is None else entry[3]
            differential.append(
                {"cause": cause, "score": 0.0, "support": "none", "for": [], "against": against}
            )
    return differential


def _leading(
    differential: list[dict[str, Any]], facts: set[str], fired: set[str]
) -> list[dict[str, Any]]:
    """A proven metabolic cause leads over the pattern it produces; then infection when fever,
    low temperature or a bulging fontanelle is present; then withdrawal when S9 fired."""
    by_cause = {entry["cause"]: entry for entry in differential}
    leader = None
    metabolic = [by_cause[cause] for cause, fact in data.METABOLIC_CAUSES.items() if fact in facts]
    if metabolic:
        leader = max(metabolic, key=lambda entry: entry["score"])["cause"]
    elif (
        facts & {"any:fever", "any:hypothermia", "fontanelle_bulging"}
        and by_cause["infection_sepsis_meningitis"]["for"]
    ):
        leader = "infection_sepsis_meningitis"
    elif "S9" in fired:
        leader = "drug_exposure_or_withdrawal"
    elif fired.intersection(data.SEIZURE_RULES) or (
        "E2" in fired and "suspected_hyperekplexia" not in facts
    ):
        leader = "neonatal_or_focal_seizure"
    if leader is None or differential[0]["cause"] == leader:
        return differential
    return [by_cause[leader]] + [entry for entry in differential if entry["cause"] != leader]


def _red_flags(
    state: dict[str, Any], held: list[tuple[RedFlag, list[int]]]
) -> tuple[list[Any], list[Any]]:
    current: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    covered = state["covered"]
    for flag, episodes in held:
        if flag.scope != "episode":
            current.append({"id": flag.id, "text": flag.text, "episodes": []})
            continue
        now = [i for i in episodes if not covered[i]]
        old = [i for i in episodes if covered[i]]
        if now:
            current.append({"id": flag.id, "text": flag.text, "episodes": now})
        if old:
            history.append(
                {
                    "id": flag.id,
                    "text": flag.text,
                    "episodes": old,
                    "why_history": "before a normal video-EEG that captured this event type",
                }
            )
    current_ids = {flag["id"] for flag in current}
    history.extend(_result_history(state, current_ids))
    for _, result in state["old_eegs"]:
        if "RF22" not in current_ids:
            history.append(
                {
                    "id": "RF22",
                    "text": f"abnormal {result['test'].replace('_', '-')} ("
                    f"{result['interpretation'].replace('_', ' ')})",
                    "episodes": [],
                    "why_history": "an older recording; a later one replaces it",
                }
            )
    return current, history


def _describe(lab: Lab) -> str:
    at = "" if lab.hours is None else f" at {lab.hours:g} h"
    return f"{lab.test.replace('_', ' ')} {lab.value:g} {lab.unit}{at}"


def _result_history(state: dict[str, Any], current_ids: set[str]) -> list[dict[str, Any]]:
    """Abnormal results that count for no episode and not for now: history, with why."""
    labs = state["labs"]
    if not labs:
        return []
    anchors = [h for h in state["hours"] if h is not None]
    if state["now"] is not None:
        anchors.append(state["now"])
    history = []
    for lab in labs:
        if lab.hours is None or not anchors or lab.flag in ("normal", "not_interpreted"):
            continue
        if lab.test == "glucose":
            flag_id = "RF18" if lab.flag == "critical" else "RF19"
        elif lab.test in ("total_calcium", "ionized_calcium", "magnesium"):
            flag_id = "RF21"
        elif lab.test == "sodium":
            flag_id = "RF28"
        else:
            continue
        if any(in_window(lab, anchor) for anchor in anchors):
            continue
        later_normal = any(
            other.test == lab.test
            and other.flag == "normal"
            and other.hours is not None
            and other.hours > lab.hours
            for other in labs
        )
        why = (
            f"an older result; a later {lab.test.replace('_', ' ')} was normal"
            if later_normal
            else "outside the validity window of every episode"
        )
        history.append({"id": flag_id, "text": _describe(lab), "episodes": [], "why_history": why})
    return history


def _triage(
    facts: set[str], fired: list[Any], covered: list[bool], has_current_flags: bool
) -> tuple[str, list[Any], list[Any]]:
    level = max((_RANK[rule.level] for rule, _ in fired), default=-1)
    covered_episodes = [i for i, flag in enumerate(covered) if flag]
    if covered_episodes:
        fired.append((data.OVERRIDE_RULE, covered_episodes))
    if has_current_flags and level < _SAME_DAY:
        fired.append((data.CURRENT_RED_FLAG_RULE, []))
        level = _SAME_DAY
    if level < _ROUTINE:
        if holds(_REASSURE, facts):
            fired.append((data.REASSURE_RULE, []))
            level = _RANK["reassure_monitor"]
        else:
            fired.append((data.DEFAULT_RULE, []))
            level = _ROUTINE
    triage = TRIAGE_LEVELS[level]
    rules_fired = [
        {"id": rule.id, "level": rule.level, "text": rule.text, "episodes": episodes}
        for rule, episodes in fired
    ]
    return triage, [rule.id for rule, _ in fired], rules_fired


def _line(entry: AdviceLine) -> dict[str, Any]:
    return {"code": entry.code, "text": entry.text}


def _advice(triage: str, facts: set[str]) -> dict[str, Any]:
    """Caregiver advice from the level and the case (section 0b "Advice")."""
    steps = []
    if triage == "emergency":
        steps = [_line(step) for step in data.EMERGENCY_STEPS]
        if holds(_FLEXION, facts):
            steps.insert(1, _line(data.FLEXION_STEP))
        signs = []
    else:
        steps = [_line(step) for step in data.LEVEL_STEPS[triage]]
        if holds(_FLEXION, facts):
            steps.append(_line(data.FLEXION_STEP))
        if triage != "same_day":
            steps += [_line(line) for line, shown in _WARNINGS if not holds(shown, facts)]
        steps.append(_line(data.SIGNS_INTRO))
        signs = [_line(sign) for sign, shown in _SIGNS if not holds(shown, facts)]
    return {
        "level": triage,
        "headline": _line(data.HEADLINES[triage]),
        "steps": steps,
        "emergency_signs": signs,
        "what_next": _line(data.WHAT_NEXT[triage]),
    }


def advice_text(advice: dict[str, Any]) -> str:
    """All advice lines, one per line, each once (the headline may open the steps too)."""
    lines = [advice["headline"], *advice["steps"], *advice["emergency_signs"], advice["what_next"]]
    return "\n".join(dict.fromkeys(line["text"] for line in lines))
