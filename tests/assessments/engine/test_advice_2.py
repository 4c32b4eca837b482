"""Caregiver advice of ruleset 2.0.0 (CLINICAL_CRITERIA.md section 0b, "Advice"): built from the
level and the case, one short instruction per line with a stable code, at a 7th-grade reading
level or below (Flesch-Kincaid, textstat) for every line and every text the ruleset can give."""

from itertools import combinations

import pytest
import textstat

from assessments.engine import load_ruleset
from assessments.engine import ruleset_2_0_0 as data
from assessments.engine.scoring_2 import advice_text
from tests.assessments.engine.cases_2 import (
    JITTERY_2,
    SLEEP_JERKS_2,
    STARTLE_2,
    case_2,
    ep,
    score_2,
)

MAX_GRADE = 7
BANNED = (
    "completely normal",
    "nothing to worry",
    "always harmless",
    "no need to worry",
    "definitely",
    "%",
)


def _subsets(items):
    for size in range(len(items) + 1):
        yield from combinations(items, size)


def _line(entry):
    return {"code": entry.code, "text": entry.text}


def _sign_choices():
    """All emergency signs, none, and each one left out (a sign the log shows is left out)."""
    signs = data.EMERGENCY_SIGNS
    yield signs
    yield ()
    for index in range(len(signs)):
        yield signs[:index] + signs[index + 1 :]


def producible_texts():
    """Every joined advice text the ruleset can produce: per level, with and without the
    flexion step, every subset of warning signs and the emergency signs left in."""
    intro = [_line(data.SIGNS_INTRO)]
    for flexion in (False, True):
        steps = [_line(step) for step in data.EMERGENCY_STEPS]
        if flexion:
            steps.insert(1, _line(data.FLEXION_STEP))
        yield advice_text(
            {
                "headline": _line(data.HEADLINES["emergency"]),
                "steps": steps,
                "emergency_signs": [],
                "what_next": _line(data.WHAT_NEXT["emergency"]),
            }
        )
        for level in ("same_day", "routine_visit", "reassure_monitor"):
            base = [_line(step) for step in data.LEVEL_STEPS[level]]
            if flexion:
                base.append(_line(data.FLEXION_STEP))
            warnings = () if level == "same_day" else data.WARNING_SIGNS
            for kept_warnings in _subsets(warnings) if not flexion else [warnings, ()]:
                for kept_signs in _sign_choices():
                    yield advice_text(
                        {
                            "headline": _line(data.HEADLINES[level]),
                            "steps": base + [_line(w) for w in kept_warnings] + intro,
                            "emergency_signs": [_line(s) for s in kept_signs],
                            "what_next": _line(data.WHAT_NEXT[level]),
                        }
                    )


def test_every_advice_line_reads_at_grade_7_or_below():
    grades = {
        line.code: textstat.flesch_kincaid_grade(line.text) for line in load_ruleset("2.0.0").advice
    }
    assert max(grades.values()) <= MAX_GRADE, {c: g for c, g in grades.items() if g > MAX_GRADE}


def test_every_advice_text_the_ruleset_can_produce_reads_at_grade_7_or_below():
    texts = set(producible_texts())
    assert len(texts) > 1500
    worst = max(texts, key=textstat.flesch_kincaid_grade)
    assert textstat.flesch_kincaid_grade(worst) <= MAX_GRADE, worst


def test_advice_never_reassures_absolutely_nor_speaks_in_percentages():
    for line in load_ruleset("2.0.0").advice:
        assert not any(word in line.text.lower() for word in BANNED), line.code
    reassure = " ".join(step.text for step in data.LEVEL_STEPS["reassure_monitor"])
    assert "usually harmless" in reassure
    assert "The brain is still growing." in reassure  # the why
    assert "Film one episode" in reassure  # when to look again


def test_emergency_advice_gives_the_steps_in_order_and_no_future_signs():
    advice = score_2(case_2(ep(JITTERY_2, eye_signs="deviation")))["advice"]
    assert advice["level"] == "emergency"
    assert advice["headline"]["code"] == "emergency.headline"
    assert [step["code"] for step in advice["steps"]] == [
        "emergency.step.call",
        "emergency.step.side",
        "emergency.step.mouth",
        "emergency.step.time",
        "emergency.step.film",
    ]
    assert advice["emergency_signs"] == []
    assert advice["what_next"]["code"] == "next.emergency"


def test_the_flexion_manoeuvre_is_taught_for_the_hyperekplexia_pattern():
    apnea = score_2(
        case_2(ep(STARTLE_2, autonomic=["apnea"], associated=["generalized_stiffness"]))
    )
    assert [s["code"] for s in apnea["advice"]["steps"]][:2] == [
        "emergency.step.call",
        "step.flexion",
    ]
    same_day = score_2(case_2(ep(STARTLE_2, associated=["generalized_stiffness"])))
    assert same_day["triage"] == "same_day"
    assert "step.flexion" in [s["code"] for s in same_day["advice"]["steps"]]
    plain = score_2(case_2(STARTLE_2))
    assert "step.flexion" not in [s["code"] for s in plain["advice"]["steps"]]


@pytest.mark.parametrize(
    ("case", "level"),
    [
        (case_2(), "reassure_monitor"),
        (case_2(SLEEP_JERKS_2), "routine_visit"),
        (case_2(ep(JITTERY_2, age_hours=30), age_days=1.5), "same_day"),
    ],
)
def test_every_other_level_lists_the_emergency_signs_as_short_lines(case, level):
    result = score_2(case)
    advice = result["advice"]
    assert advice["level"] == result["triage"] == level
    assert advice["steps"][-1]["code"] == "signs.intro"
    assert [s["code"] for s in advice["emergency_signs"]] == [
        "sign.stops_breathing",
        "sign.blue_or_grey",
        "sign.eyes",
        "sign.cannot_wake",
        "sign.long_fit",
    ]
    assert all(len(sign["text"].split()) <= 8 for sign in advice["emergency_signs"])
    assert (
        advice["what_next"]["code"]
        == {
            "reassure_monitor": "next.reassure",
            "routine_visit": "next.routine",
            "same_day": "next.same_day",
        }[level]
    )
    assert result["caregiver_advice"].splitlines()[0] == advice["headline"]["text"]


def test_a_warning_sign_the_log_already_shows_is_not_listed_as_a_future_one():
    plain = score_2(case_2(SLEEP_JERKS_2, age_days=60))
    codes = [s["code"] for s in plain["advice"]["steps"]]
    assert "warning.one_side" in codes
    assert "warning.series" in codes
    one_sided = score_2(case_2(ep(SLEEP_JERKS_2, symmetry="unilateral"), age_days=60))
    assert one_sided["triage"] == "routine_visit"
    assert "warning.one_side" not in [s["code"] for s in one_sided["advice"]["steps"]]
    # Eye deviation in an episode a normal video-EEG of its type explains: history, routine,
    # and "eyes fixed or rolling" is not offered as a sign to look out for.
    explained = score_2(
        case_2(
            ep(SLEEP_JERKS_2, age_hours=1400, eye_signs="deviation"),
            age_days=60,
            results=[
                {
                    "test": "video_eeg",
                    "age_hours": 1410,
                    "interpretation": "normal",
                    "captured_event_types": ["myoclonic_jerks"],
                }
            ],
        )
    )
    assert explained["triage"] == "routine_visit"
    assert explained["red_flags"] == []
    assert explained["red_flags_history"]
    assert "sign.eyes" not in [s["code"] for s in explained["advice"]["emergency_signs"]]


def test_caregiver_advice_is_every_line_once_in_order():
    result = score_2(case_2(SLEEP_JERKS_2))
    advice = result["advice"]
    lines = [advice["headline"], *advice["steps"], *advice["emergency_signs"], advice["what_next"]]
    assert result["caregiver_advice"] == "\n".join(dict.fromkeys(line["text"] for line in lines))


def test_advice_codes_are_stable():
    assert [line.code for line in load_ruleset("2.0.0").advice] == [
        "emergency.headline",
        "same_day.headline",
        "routine.headline",
        "reassure.headline",
        "emergency.step.call",
        "emergency.step.side",
        "emergency.step.mouth",
        "emergency.step.time",
        "emergency.step.film",
        "step.flexion",
        "same_day.step.call_clinic",
        "same_day.step.bring_log",
        "same_day.step.feed",
        "routine.step.log",
        "routine.step.video",
        "reassure.step.common",
        "reassure.step.why",
        "reassure.step.fades",
        "reassure.step.video",
        "warning.not_stopped_by_holding",
        "warning.sleepy_after",
        "warning.feeding",
        "warning.fever",
        "warning.series",
        "warning.skills",
        "warning.one_side",
        "signs.intro",
        "sign.stops_breathing",
        "sign.blue_or_grey",
        "sign.eyes",
        "sign.cannot_wake",
        "sign.long_fit",
        "next.emergency",
        "next.same_day",
        "next.routine",
        "next.reassure",
    ]
