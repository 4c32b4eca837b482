"""``score`` for ruleset 2.0.0 (CLINICAL_CRITERIA.md section 0b; result shape ENGINE_2_RESULT).

Everything in ``ruleset_2_0_0.py`` is compiled once at import. A call validates the case, derives
facts per episode (its own answers, its age, the results inside their windows) and for the case,
then tests the compiled conditions: episode-scope entries once per episode, so each criterion,
rule and red flag names the episodes it came from.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from . import ruleset_2_0_0 as data
from .conditions import Condition, Index, compile_condition, holds, referenced_facts
from .facts_2 import (
    AGE_FACTS,
    LAB_FACTS,
    Lab,
    age_facts,
    episode_facts,
    infant_facts,
    lab_facts,
    persistent_low_glucose,
    read_labs,
)
from .model import AdviceLine, Criterion, Pattern, RedFlag, Rule, as_data, canonical_digest
from .validation import validate_case_2
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


def _layers(patterns: Sequence[Pattern]) -> tuple[tuple[tuple[str, ...], Index], ...]:
    """All patterns of one kind tested in one pass: a pattern that names another is compiled
    with that pattern's condition written in, so no pattern waits for another."""
    definitions = {pattern.id: pattern.when for pattern in patterns}
    conditions = [compile_condition(_inline(p.when, definitions)) for p in patterns]
    return ((tuple(p.id for p in patterns), Index(conditions)),)


def _apply(
    layers: tuple[tuple[tuple[str, ...], Index], ...],
    facts: set[str],
    into: set[str] | None = None,
) -> None:
    for ids, index in layers:
        found = [ids[position] for position in index.matches(facts)]
        facts.update(found)
        if into is not None:
            into.update(found)


def _split(entries: Sequence[Any]) -> tuple[tuple[tuple[Any, ...], Index], ...]:
    """Entries by scope: (episode entries, their index), (case/all entries, their index)."""
    episode = tuple(entry for entry in entries if entry.scope == "episode")
    case = tuple(entry for entry in entries if entry.scope != "episode")
    return (
        (episode, Index([compile_condition(entry.when) for entry in episode])),
        (case, Index([compile_condition(entry.when) for entry in case])),
    )


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
_INFANT_LAYERS = _layers(data.INFANT_PATTERNS)
_EPISODE_LAYERS = _layers(data.EPISODE_PATTERNS)
_CASE_LAYERS = _layers(data.CASE_PATTERNS)
# Criteria, triage rules and red flags are tested in one pass (one index per scope); each entry
# keeps its place in the ruleset so results list them in the ruleset's order.
_IN_ORDER = (*data.CRITERIA, *data.RULES, *data.RED_FLAGS)
_ENTRIES = _split(_IN_ORDER)
_PLACE = {id(entry): place for place, entry in enumerate(_IN_ORDER)}
_EPISODE_PLACES = tuple(_PLACE[id(entry)] for entry in _ENTRIES[0][0])
_CASE_PLACES = tuple(_PLACE[id(entry)] for entry in _ENTRIES[1][0])
_OVERRIDABLE_POSITIONS = frozenset(
    position
    for position, entry in enumerate(_ENTRIES[0][0])
    if getattr(entry, "overridable", False)
)
_KIND = {
    id(entry): 0 if isinstance(entry, Criterion) else 1 if isinstance(entry, Rule) else 2
    for entry in _IN_ORDER
}
_BY_PLACE = tuple((entry, _KIND[id(entry)]) for entry in _IN_ORDER)
_EPISODE_INDEX = _ENTRIES[0][1]
_CASE_INDEX = _ENTRIES[1][1]
_CASE_ALL = tuple(entry.scope == "all" for entry in _ENTRIES[1][0])
_TESTS = tuple(sorted(data.TESTS, key=lambda entry: _TEST_ORDER[entry.test]))
_TEST_INDEX = Index([compile_condition(entry.when) for entry in _TESTS])
_QUESTION_INDEX = Index([compile_condition(entry.when) for entry in data.QUESTIONS])
_REASSURE = compile_condition(data.REASSURE_RULE.when)
_WARNINGS = _compiled(data.WARNING_SIGNS)
_SIGNS = _compiled(data.EMERGENCY_SIGNS)
_FLEXION = compile_condition(data.FLEXION_STEP.when)
_CAUSE_ORDER = {cause: order for order, cause in enumerate(data.CAUSES)}
# Per criterion: its cause's place, 0 for / 1 against, its weight (the differential's tally).
_CRITERION_TALLY = {
    id(c): (_CAUSE_ORDER[c.cause], 0 if c.direction == "for" else 1, c.weight)
    for c in data.CRITERIA
}


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


# --- EEG and the per-event-type override --------------------------------------------------------
_RED_FEATURES = ("abnormal_eyes", "apnea", "cyanosis", "altered", "focal", "restraint_fails_awake")


def _red_features(facts: set[str]) -> set[str]:
    found = {feature for feature in _RED_FEATURES[:-1] if feature in facts}
    awake = "maybe_awake" in facts or "continues_after_waking" in facts
    if awake and (
        ("rhythmic" in facts and "restraint_fails" in facts)
        or ("clonic" in facts and "restraint_stops" not in facts)
    ):
        found.add("restraint_fails_awake")
    found.add("state:" + ("asleep" if "asleep" in facts else "awake"))
    return found


def _eeg(
    results: list[dict[str, Any]],
) -> tuple[set[str], list[dict[str, Any]], list[tuple[Any, ...]]]:
    """Case facts of the current EEG, the recordings that can override, and old abnormal EEGs."""
    recordings = [
        (index, result)
        for index, result in enumerate(results)
        if result["test"] in ("eeg", "video_eeg") and result.get("interpretation") is not None
    ]
    facts: set[str] = set()
    if not recordings:
        return facts, [], []
    known = [result["age_hours"] for _, result in recordings if result.get("age_hours") is not None]
    if len(known) < len(recordings):
        current = recordings
    else:
        latest = max(known)
        current = [(i, r) for i, r in recordings if r["age_hours"] == latest]
    history = [(i, r) for i, r in recordings if (i, r) not in current]
    for _, result in current:
        interpretation = result["interpretation"]
        captured = result.get("captured_typical_event") is True or bool(
            result.get("captured_event_types")
        )
        if interpretation == "normal":
            facts.add("eeg_normal")
        else:
            facts.add("eeg_abnormal")
            facts.add(
                {
                    "epileptiform": "eeg_epileptiform",
                    "electrographic_seizures": "eeg_electrographic",
                    "hypsarrhythmia": "eeg_hypsarrhythmia",
                    "other_abnormal": "eeg_other_abnormal",
                }[interpretation]
            )
        if captured:
            facts.add("eeg_captured")
    overriding = []
    if "eeg_abnormal" not in facts:
        for _, result in current:
            types = result.get("captured_event_types")
            if result["test"] == "video_eeg" and (
                result.get("captured_typical_event") is True or types
            ):
                overriding.append(result)
    old_abnormal = [
        (index, result) for index, result in history if result["interpretation"] != "normal"
    ]
    return facts, overriding, old_abnormal


def _coverage(
    episodes: list[dict[str, Any]],
    own: list[set[str]],
    hours: list[float | None],
    recordings: list[dict[str, Any]],
) -> tuple[list[bool], bool]:
    """Which episodes a normal recording of their event type covers; and whether an episode
    after a recording of its type showed a feature the recorded event lacked."""
    covered = [False] * len(episodes)
    uncovered_after = False
    for recording in recordings:
        types = recording.get("captured_event_types") or None
        at = recording.get("age_hours")
        matching = [
            index
            for index, episode in enumerate(episodes)
            if types is None or episode.get("movement_type") in types
        ]
        before = [i for i in matching if at is None or hours[i] is None or hours[i] <= at]
        seen: set[str] = set()
        for index in before:
            covered[index] = True
            seen |= _red_features(own[index])
        for index in matching:
            if index in before:
                continue
            new = _red_features(own[index]) - seen
            if not seen:
                new = {feature for feature in new if not feature.startswith("state:")}
            if new:
                uncovered_after = True
            else:
                covered[index] = True
    return covered, uncovered_after


# --- Scoring -------------------------------------------------------------------------------------
def _hours(episode: dict[str, Any], infant_hours: float | None) -> float | None:
    hours = episode.get("age_hours")
    return hours if hours is not None else infant_hours


def case_facts(case: object) -> dict[str, Any]:
    """Validate a case and derive everything the rules are tested against."""
    infant, episodes, results = validate_case_2(case)
    weeks = infant.get("gestational_weeks")
    age_days = infant.get("age_days")
    infant_hours = None if age_days is None else age_days * 24
    hours = [_hours(episode, infant_hours) for episode in episodes]
    known_hours = [h for h in hours if h is not None]
    now = infant_hours if infant_hours is not None else max(known_hours, default=None)
    now_age = age_facts(now, weeks)
    facts = infant_facts(infant, "neonate" in now_age)
    _apply(_INFANT_LAYERS, facts)
    labs = read_labs(infant, results, now)
    # "Done" and "no current result" are judged at the latest episode (else now).
    latest = max(range(len(episodes)), key=lambda i: (hours[i] is not None, hours[i] or 0, i),
                 default=None)  # fmt: skip
    latest_hours = now if latest is None else hours[latest]
    latest_labs = lab_facts(labs, latest_hours)
    for fact, name in (
        ("glucose_current", "no_current_glucose"),
        ("calcium_current", "no_current_calcium"),
        ("sodium_current", "no_current_sodium"),
        ("bilirubin_current", "no_current_bilirubin"),
    ):
        if fact not in latest_labs:
            facts.add(name)
    if "glucose_normal" in latest_labs:
        facts.add("glucose_all_normal_latest")
    if "calcium_all_normal" in latest_labs:
        facts.add("calcium_all_normal_latest")
    eeg, recordings, old_eegs = _eeg(results)
    facts |= eeg
    persistent, low_after_48 = persistent_low_glucose(labs, now)
    if persistent:
        facts.add("glucose_low_persistent")
    if low_after_48:
        facts.add("glucose_low_after_48h")
    for result in results:
        interpretation = result.get("interpretation")
        if result["test"] in ("mri_brain", "cranial_ultrasound") and interpretation == "abnormal":
            facts.add("imaging_abnormal")
        if result["test"] == "critical_sample":
            facts.add("critical_sample_drawn")
    if len(episodes) >= 2:
        first = episodes[0].get("episodes_per_day")
        last = episodes[-1].get("episodes_per_day")
        if first is not None and last is not None and last > first:
            facts.add("increasing")
    # Per episode: own answers, age at the time, results in their windows.
    own = [episode_facts(episode) for episode in episodes]
    ages = [age_facts(h, weeks) for h in hours]
    windows = [lab_facts(labs, h) for h in hours]
    covered, uncovered_after = _coverage(episodes, own, hours, recordings)
    shared = _PATTERN_SHARED.intersection(facts)
    per_episode = []
    for index in range(len(episodes)):
        mine = own[index]
        mine |= ages[index]
        mine |= windows[index]
        if covered[index]:
            mine.add("covered")
        _apply(_EPISODE_LAYERS, mine | shared, into=mine)
        per_episode.append(mine)
    # The case: infant facts, results current at some episode or now, any:/all:, age now.
    now_labs = lab_facts(labs, now)
    facts |= now_labs
    for window in windows:
        facts |= window
    facts.discard("no_current_glucose_episode")
    facts |= now_age
    if per_episode:
        facts.add("has_episodes")
        union = set().union(*per_episode)
        facts.update(map(_ANY.__getitem__, union))
        facts.update(map(_ALL.__getitem__, set.intersection(*per_episode)))
        if all(covered):
            facts.add("all_covered")
            facts.add("benign_pattern_confirmed")
    if uncovered_after:
        facts.add("uncovered_after_recording")
    if "maybe_young_infant" in now_age or any("maybe_young_infant" in age for age in ages):
        facts.add("maybe_young_infant_now")
    _apply(_CASE_LAYERS, facts)
    return {
        "infant": infant,
        "episodes": episodes,
        "results": results,
        "facts": facts,
        "per_episode": per_episode,
        "covered": covered,
        "labs": labs,
        "hours": hours,
        "now": now,
        "latest_labs": latest_labs,
        "old_eegs": old_eegs,
    }


def _contexts(state: dict[str, Any]) -> list[set[str]]:
    shared = _ENTRY_SHARED.intersection(state["facts"])
    return [mine | shared for mine in state["per_episode"]]


def _evaluate(
    facts: set[str], contexts: list[set[str]], covered: list[bool]
) -> tuple[list[Any], list[Any], list[Any]]:
    """Criteria, rules and red flags that hold, each as (entry, episodes) in the ruleset's order.
    A rule the override cancels does not hold for an episode the override covers."""
    found: dict[int, list[int]] = {}
    setdefault = found.setdefault
    for number, context in enumerate(contexts):
        matched = _EPISODE_INDEX.matches(context)
        if covered[number]:
            matched -= _OVERRIDABLE_POSITIONS
        for position in matched:
            setdefault(position, []).append(number)
    # Each place in the ruleset is one entry: sorting the places gives the ruleset's order.
    held = {_EPISODE_PLACES[position]: episodes for position, episodes in found.items()}
    everyone = list(range(len(contexts)))
    for position in _CASE_INDEX.matches(facts):
        held[_CASE_PLACES[position]] = everyone if _CASE_ALL[position] else []
    parts: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for place in sorted(held):
        entry, kind = _BY_PLACE[place]
        parts[kind].append((entry, held[place]))
    return parts


def _support(score: float, reasons: list[Any]) -> str:
    if not reasons:
        return "none"
    for limit, word in _SUPPORT:
        if score >= limit:
            return word
    return "weak"  # pragma: no cover


def _differential(held: list[tuple[Criterion, list[int]]]) -> list[dict[str, Any]]:
    tally: list[list[Any]] = [[0, 0, [], []] for _ in data.CAUSES]
    for criterion, episodes in held:
        order, against, weight = _CRITERION_TALLY[id(criterion)]
        entry = tally[order]
        entry[against] += weight
        entry[2 + against].append(
            {"id": criterion.id, "text": criterion.text, "episodes": episodes}
        )
    ranked = sorted(
        (weight_for / (weight_for + weight_against + _SCORE_DAMPING), -order, reasons_for,
         reasons_against)
        for order, (weight_for, weight_against, reasons_for, reasons_against) in enumerate(tally)
    )  # fmt: skip
    return [
        {
            "cause": data.CAUSES[-negative_order],
            "score": round(raw, 2),
            "support": _support(raw, reasons_for),
            "for": reasons_for,
            "against": reasons_against,
        }
        for raw, negative_order, reasons_for, reasons_against in reversed(ranked)
    ]


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
    anchors = [h for h in state["hours"] if h is not None]
    if state["now"] is not None:
        anchors.append(state["now"])
    from .facts_2 import in_window  # local: a small helper shared with the fact derivation

    history = []
    labs = state["labs"]
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


def score(case: object) -> dict[str, Any]:
    """Score one case with ruleset 2.0.0; raises ``CaseError`` if it is invalid."""
    state = case_facts(case)
    facts = state["facts"]
    contexts = _contexts(state)
    criteria, rules, flags = _evaluate(facts, contexts, state["covered"])
    differential = _differential(criteria)
    red_flags, red_flags_history = _red_flags(state, flags)
    triage, rule_ids, rules_fired = _triage(facts, rules, state["covered"], bool(red_flags))
    differential = _leading(differential, facts, set(rule_ids))
    leading = differential[0]
    facts.update("rule:" + rule_id for rule_id in rule_ids)
    done = _done(state)
    tests: list[str] = []
    for position in sorted(_TEST_INDEX.matches(facts)):
        test = _TESTS[position]
        if test.test not in tests and (test.repeat or test.test not in done):
            tests.append(test.test)
    advice = _advice(triage, facts)
    return {
        "ruleset": dict(_RULESET),
        "leading_cause": leading["cause"] if leading["for"] else None,
        "triage": triage,
        "triage_rules": rule_ids,
        "rules_fired": rules_fired,
        "differential": differential,
        "red_flags": red_flags,
        "red_flags_history": red_flags_history,
        "recommended_tests": tests,
        "missing_information": [
            {"code": data.QUESTIONS[position].code, "text": data.QUESTIONS[position].text}
            for position in sorted(_QUESTION_INDEX.matches(facts))
        ],
        "caregiver_advice": advice_text(advice),
        "advice": advice,
    }


_DONE_BY_FACT = {
    "glucose_current": ("glucose",),
    "sodium_current": ("electrolytes",),
    "bilirubin_current": ("bilirubin",),
    "infection_workup_current": ("infection_workup",),
}


def _done(state: dict[str, Any]) -> set[str]:
    """Tests with a result that still counts at the latest episode (or now)."""
    done: set[str] = set()
    latest_labs = state["latest_labs"]
    for fact, tests in _DONE_BY_FACT.items():
        if fact in latest_labs:
            done.update(tests)
    latest = max((h for h in state["hours"] if h is not None), default=state["now"])
    from .facts_2 import in_window

    for lab in state["labs"]:
        if lab.test != "glucose" and in_window(lab, latest):
            done.add(lab.test)
    for result in state["results"]:
        test = result["test"]
        if test == "critical_sample" or (
            test in ("eeg", "video_eeg", "mri_brain", "cranial_ultrasound")
            and result.get("interpretation") is not None
        ):
            done.add(test)
    return done


def _check_facts() -> None:
    """A condition naming a fact nothing derives would silently never fire: refuse at import."""
    import re
    from pathlib import Path

    here = Path(__file__).parent
    source = "".join(
        (here / name).read_text(encoding="utf-8")
        for name in ("facts.py", "facts_2.py", "scoring_2.py")
    )
    known = set(re.findall(r'"([a-z0-9_:]+)"', source))
    known |= {
        "assoc:" + code
        for code in codes(
            __import__("assessments.engine.vocabulary", fromlist=["ASSOCIATED_2"]).ASSOCIATED_2
        )
    }
    known |= {
        "family:" + code
        for code in codes(
            __import__(
                "assessments.engine.vocabulary", fromlist=["FAMILY_HISTORY_2"]
            ).FAMILY_HISTORY_2
        )
    }
    known |= {entry.id for entry in (*data.INFANT_PATTERNS, *data.EPISODE_PATTERNS,
                                     *data.CASE_PATTERNS)}  # fmt: skip
    known |= {"rule:" + rule.id for rule in data.RULES}
    entries: list[Any] = [
        *data.INFANT_PATTERNS, *data.EPISODE_PATTERNS, *data.CASE_PATTERNS, *data.CRITERIA,
        *data.RULES, *data.RED_FLAGS, *data.TESTS, *data.QUESTIONS, data.REASSURE_RULE,
        *data.WARNING_SIGNS, *data.EMERGENCY_SIGNS, data.FLEXION_STEP,
    ]  # fmt: skip
    for entry in entries:
        if not entry.when:
            continue
        for fact in referenced_facts(compile_condition(entry.when)):
            base = fact.removeprefix("any:").removeprefix("all:")
            if base not in known and fact not in known:
                raise RuntimeError(f"{getattr(entry, 'id', entry)} names an unknown fact {fact}")


_check_facts()
