"""Validation, unknown answers and patterns across several episodes (CLINICAL_CRITERIA.md section 1
and the engine contract: unknown is never normal, and a value outside a vocabulary is an error)."""

import pytest

from assessments.engine import CaseError
from tests.assessments.engine.cases import (
    JITTERY_EPISODE,
    SLEEP_JERKS_EPISODE,
    complete_case,
    episode,
    glucose,
    rank,
)
from tests.assessments.engine.cases import score_1 as score

HOLD_THE_LEG = "Hold the leg gently during the next episode: does the shaking stop?"
WOKEN = "Was the baby woken during an episode? Did the movements stop?"
VIDEO = "Record a video of the next episode, from the start, with the whole body and face in view."
AGE = "How old is the baby (date of birth, or age in days)?"
GLUCOSE_NOW = "Clinician: measure blood glucose now (bedside, then a laboratory plasma glucose)."


@pytest.mark.parametrize(
    ("case", "field", "allowed_example"),
    [
        ({"episodes": [{"state": "sleeping"}]}, "episodes[0].state", "asleep"),
        (
            {"episodes": [{}, {"autonomic": ["apnoea"]}]},
            "episodes[1].autonomic[0]",
            "apnea",
        ),
        ({"episodes": [{"stops_with_gentle_restraint": True}]},
         "episodes[0].stops_with_gentle_restraint", "not_tried"),
        ({"infant": {"feeding": "cow_milk"}}, "infant.feeding", "unfortified_milk_alternative"),
        ({"infant": {"family_history": "epilepsy"}}, "infant.family_history", "epilepsy"),
        ({"results": [{"test": "glucose", "value": 3, "unit": "mg"}]}, "results[0].unit", "mg/dL"),
        ({"results": [{"test": "glucose", "value": 3}]}, "results[0].unit", "mmol/L"),
        ({"results": [{"test": "ct_head"}]}, "results[0].test", "mri_brain"),
        ({"results": [{"test": "eeg", "interpretation": "fine"}]}, "results[0].interpretation",
         "hypsarrhythmia"),
        ({"results": [{"test": "eeg", "value": 1}]}, "results[0].value", "interpretation"),
        ({"episodes": [{"colour": "blue"}]}, "episodes[0].colour", "autonomic"),
        ({"patient": {}}, "patient", "infant"),
    ],
)  # fmt: skip
def test_value_outside_a_vocabulary_names_the_field_and_the_allowed_values(
    case, field, allowed_example
):
    with pytest.raises(CaseError) as caught:
        score(case)
    assert caught.value.field == field
    assert allowed_example in caught.value.allowed
    assert field in str(caught.value)
    assert allowed_example in str(caught.value)


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ({"infant": {"age_days": "10"}}, "infant.age_days"),
        ({"infant": {"age_days": -1}}, "infant.age_days"),
        ({"infant": {"maternal_diabetes": "no"}}, "infant.maternal_diabetes"),
        ({"episodes": [{"rate_hz_est": True}]}, "episodes[0].rate_hz_est"),
        ({"episodes": [{"episode_duration_s": float("inf")}]}, "episodes[0].episode_duration_s"),
        ({"results": [{"test": "glucose", "value": "low", "unit": "mg/dL"}]}, "results[0].value"),
        ({"results": [{"test": "glucose", "value": 50, "unit": "mg/dL", "age_hours": -3}]},
         "results[0].age_hours"),
        ({"episodes": {"state": "asleep"}}, "episodes"),
        ({"episodes": ["asleep"]}, "episodes[0]"),
        ({"infant": []}, "infant"),
        ([], "case"),
    ],
)  # fmt: skip
def test_wrong_type_or_range_or_structure_is_refused(case, field):
    with pytest.raises(CaseError) as caught:
        score(case)
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_every_field_may_be_null_or_absent():
    nulls = {name: None for name in JITTERY_EPISODE}
    result = score({"infant": {"age_days": None}, "episodes": [nulls], "results": None})
    assert result["triage"] != "reassure_monitor"
    assert score({})["leading_cause"] is None


def test_complete_benign_case_asks_nothing():
    assert score(complete_case())["missing_information"] == []


def test_no_episode_asks_for_one_and_names_no_cause():
    result = score({"infant": {"age_days": 10}})
    assert result["leading_cause"] is None
    assert result["missing_information"][0].startswith("Describe at least one episode")
    assert result["triage"] == "routine_visit"


def test_restraint_not_tried_asks_to_hold_the_leg_and_keeps_routine_visit():
    result = score(complete_case(episode(stops_with_gentle_restraint="not_tried")))
    assert HOLD_THE_LEG in result["missing_information"]
    assert result["triage"] == "routine_visit"


def test_sleep_jerks_without_waking_ask_whether_the_baby_was_woken():
    result = score(complete_case(episode(SLEEP_JERKS_EPISODE, stops_on_waking="not_observed")))
    assert WOKEN in result["missing_information"]


def test_no_video_asks_for_one():
    assert VIDEO in score(complete_case(episode(video_available=False)))["missing_information"]


def test_unknown_age_asks_for_it_and_keeps_neonatal_red_flags():
    result = score(complete_case(episode(consciousness="altered"), age_days=None))
    assert AGE in result["missing_information"]
    assert "E3" in result["triage_rules"]


def test_jitteriness_in_the_first_72_hours_without_glucose_asks_for_one():
    result = score(complete_case(age_days=1))
    assert GLUCOSE_NOW in result["missing_information"]
    assert "glucose" in result["recommended_tests"]
    assert result["triage"] == "same_day"


@pytest.mark.parametrize(
    "change",
    [
        {"eye_signs": None},
        {"autonomic": None},
        {"consciousness": "unclear"},
        {"associated": None},
        {"trigger": None},
        {"stops_with_gentle_restraint": None},
    ],
)
def test_an_unknown_answer_never_reassures(change):
    result = score(complete_case(episode(**change)))
    assert result["triage"] == "routine_visit"
    assert "R0" in result["triage_rules"]
    assert result["missing_information"]


@pytest.mark.parametrize(
    "infant",
    [
        {"age_days": None},
        {"maternal_diabetes": None},
        {"gestational_weeks": None},
        {"development": None},
        {"development": "not_applicable_neonate", "age_days": 90},
    ],
)
def test_unknown_infant_context_never_reassures(infant):
    assert score(complete_case(**infant))["triage"] != "reassure_monitor"


def test_a_needed_test_not_yet_done_keeps_routine_visit():
    formula_day_7 = complete_case(age_days=7, feeding="formula")
    result = score(formula_day_7)
    assert (
        "Clinician: measure total and ionized calcium and magnesium."
        in (result["missing_information"])
    )
    assert result["triage"] == "routine_visit"
    normal_calcium = [
        {"test": "total_calcium", "value": 9.2, "unit": "mg/dL"},
        {"test": "ionized_calcium", "value": 1.2, "unit": "mmol/L"},
    ]
    formula_day_7["results"] = normal_calcium
    assert score(formula_day_7)["triage"] == "reassure_monitor"


def test_sleep_only_needs_every_episode_in_sleep():
    only_sleep = score(complete_case(SLEEP_JERKS_EPISODE, SLEEP_JERKS_EPISODE))
    mixed = score(complete_case(SLEEP_JERKS_EPISODE, episode(SLEEP_JERKS_EPISODE, state="feeding")))

    def myoclonus(result):
        return next(
            entry
            for entry in result["differential"]
            if entry["cause"] == "benign_neonatal_sleep_myoclonus"
        )

    assert "only in sleep" in myoclonus(only_sleep)["for"]
    assert "only in sleep" not in myoclonus(mixed)["for"]
    assert "happens awake" in myoclonus(mixed)["against"]


def test_a_red_flag_in_any_episode_counts():
    calm = complete_case(JITTERY_EPISODE, JITTERY_EPISODE)
    flagged = complete_case(JITTERY_EPISODE, episode(autonomic=["apnea"]), JITTERY_EPISODE)
    assert score(calm)["triage"] == "reassure_monitor"
    result = score(flagged)
    assert result["triage"] == "emergency"
    assert "apnea or colour change during an episode" in result["red_flags"]


def test_increasing_episodes_across_the_log_count_as_a_trend():
    rising = complete_case(
        episode(episodes_per_day=3), episode(episodes_per_day=8), age_days=8, feeding="formula"
    )
    falling = complete_case(
        episode(episodes_per_day=8), episode(episodes_per_day=3), age_days=8, feeding="formula"
    )
    assert "S3" in score(rising)["triage_rules"]
    assert "S3" not in score(falling)["triage_rules"]


def test_any_low_glucose_among_several_results_counts():
    case = complete_case(results=[glucose(70, age_hours=2), glucose(38, age_hours=6)], age_days=1)
    assert score(case)["triage"] == "emergency"


def test_caregiver_advice_matches_the_triage_level():
    emergency = score(complete_case(episode(eye_signs="deviation")))["caregiver_advice"]
    same_day = score(complete_case(age_days=1))["caregiver_advice"]
    routine = score(complete_case(age_days=90))["caregiver_advice"]
    reassure = score(complete_case())["caregiver_advice"]
    assert "emergency" in emergency
    assert "now" in emergency
    assert "today" in same_day
    assert "Book a visit" in routine
    assert "video" in routine
    assert "Keep the log" in reassure
    assert "stops breathing" in reassure
    assert rank("emergency") > rank("same_day") > rank("routine_visit") > rank("reassure_monitor")
