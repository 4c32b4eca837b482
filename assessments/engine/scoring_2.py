"""``score`` for ruleset 2.0.0 (CLINICAL_CRITERIA.md section 0b; result shape ENGINE_2_RESULT).

Everything in ``ruleset_2_0_0.py`` is compiled once at import. A call validates the case, derives
facts per episode (its own answers, its age, the results inside their windows) and for the case,
then tests the compiled conditions: episode-scope entries once per episode, so each criterion,
rule and red flag names the episodes it came from.
"""

from bisect import bisect_left
from typing import Any

from . import ruleset_2_0_0 as data
from .compiled_2 import (
    _ALL,
    _ALL_SCOPE,
    _ANY,
    _CASE_INDEX,
    _CASE_PATTERNS,
    _ENTRY_SHARED,
    _EPISODE_INDEX,
    _EPISODE_PATTERNS,
    _FIRST_FLAG,
    _FIRST_RULE,
    _IN_ORDER,
    _INFANT_PATTERNS,
    _OVERRIDABLE,
    _PATTERN_SHARED,
    _QUESTION_INDEX,
    _RULESET,
    _TEST_INDEX,
    _TESTS,
)
from .conditions import compile_condition, referenced_facts
from .facts_2 import (
    age_facts,
    in_window,
    infant_facts,
    lab_facts,
    persistent_low_glucose,
    read_episode,
    read_labs,
)
from .outcome_2 import (
    _advice,
    _differential,
    _leading,
    _red_flags,
    _triage,
    advice_text,
)
from .validation import read_case_2
from .vocabulary import codes

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
    infant, read, results = read_case_2(case, read_episode)
    episodes = [episode for episode, _ in read]
    weeks = infant.get("gestational_weeks")
    age_days = infant.get("age_days")
    infant_hours = None if age_days is None else age_days * 24
    hours = [_hours(episode, infant_hours) for episode in episodes]
    known_hours = [h for h in hours if h is not None]
    now = infant_hours if infant_hours is not None else max(known_hours, default=None)
    now_age = age_facts(now, weeks)
    facts = infant_facts(infant, "neonate" in now_age)
    facts |= _INFANT_PATTERNS.matches(facts)
    labs = read_labs(infant, results, now)
    # "Done" and "no current result" are judged at the latest episode (else now): with no episode
    # time known, now is unknown too.
    latest_hours = max(known_hours, default=now)
    # The results' facts at each time that matters, once per distinct time (often one for all).
    labs_at = {anchor: lab_facts(labs, anchor) for anchor in {*hours, latest_hours, now}}
    latest_labs = labs_at[latest_hours]
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
    own = [facts for _, facts in read]
    ages = [age_facts(h, weeks) for h in hours]
    windows = [labs_at[h] for h in hours]
    covered, uncovered_after = _coverage(episodes, own, hours, recordings)
    shared = _PATTERN_SHARED.intersection(facts)
    per_episode = []
    for index in range(len(episodes)):
        mine = own[index]
        mine |= ages[index]
        mine |= windows[index]
        if covered[index]:
            mine.add("covered")
        mine |= _EPISODE_PATTERNS.matches(mine | shared)
        per_episode.append(mine)
    # The case: infant facts, results current at some episode or now, any:/all:, age now.
    for at in labs_at.values():
        facts |= at
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
    facts |= _CASE_PATTERNS.matches(facts)
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
        "latest_hours": latest_hours,
        "latest_labs": latest_labs,
        "old_eegs": old_eegs,
    }


def _evaluate(
    facts: set[str], per_episode: list[set[str]], covered: list[bool]
) -> tuple[list[Any], list[Any], list[Any]]:
    """Criteria (by place), rules and red flags that hold, each with its episodes, in the
    ruleset's order. An episode's context is its own facts and the case facts an episode-scope
    entry names; a rule the override cancels does not hold for an episode it covers."""
    shared = _ENTRY_SHARED.intersection(facts)
    matched = [_EPISODE_INDEX.matches(mine | shared) for mine in per_episode]
    for number, held in enumerate(matched):
        if covered[number]:
            held -= _OVERRIDABLE
    everyone = list(range(len(per_episode)))
    # Most entries hold for every episode: those get the whole list, the rest episode by episode.
    common = set.intersection(*matched) if matched else set()
    found = {place: everyone[:] for place in common}
    setdefault = found.setdefault
    for number, held in enumerate(matched):
        for place in held - common:
            setdefault(place, []).append(number)
    for place in _CASE_INDEX.matches(facts):
        found[place] = everyone if place in _ALL_SCOPE else []
    places = sorted(found)
    first_rule = bisect_left(places, _FIRST_RULE)
    first_flag = bisect_left(places, _FIRST_FLAG, first_rule)
    return (
        [(place, found[place]) for place in places[:first_rule]],
        [(_IN_ORDER[place], found[place]) for place in places[first_rule:first_flag]],
        [(_IN_ORDER[place], found[place]) for place in places[first_flag:]],
    )


def score(case: object) -> dict[str, Any]:
    """Score one case with ruleset 2.0.0; raises ``CaseError`` if it is invalid."""
    state = case_facts(case)
    facts = state["facts"]
    criteria, rules, flags = _evaluate(facts, state["per_episode"], state["covered"])
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
    latest = state["latest_hours"]
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
