"""Every triage rule of CLINICAL_CRITERIA.md section 3, with a case where it fires and one where it
must not. Expected values come from the specification text quoted in each row's name."""

import pytest

from tests.assessments.engine.cases import (
    CLONIC_EPISODE,
    SLEEP_JERKS_EPISODE,
    SPASM_CLUSTER_EPISODE,
    STARTLE_EPISODE,
    complete_case,
    episode,
    glucose,
    normal_video_eeg,
)
from tests.assessments.engine.cases import score_1 as score

AWAKE_NOT_STOPPED = episode(stops_with_gentle_restraint="no")
SHUDDERING = episode(
    state="feeding",
    trigger="feeding",
    movement_type="shuddering",
    oscillation="repetitive_brief_jerks",
    rate_hz_est=None,
    stops_with_gentle_restraint="not_tried",
)
NOSE_TAP_STARTLE = {"neuro_exam": "exaggerated_nose_tap_startle"}
STARTLE_WITH_APNEA = episode(STARTLE_EPISODE, autonomic=["apnea"])
SLEEP_ONE_LEG = episode(SLEEP_JERKS_EPISODE, distribution="one_leg", symmetry="unilateral")
FORMULA_DAY_7_IRRITABLE = complete_case(
    episode(associated=["irritability"]), age_days=7, feeding="formula"
)
CONFIRMED_SLEEP_JERKS = complete_case(SLEEP_JERKS_EPISODE, results=[normal_video_eeg()])

FIRES = [
    ("E1", complete_case(AWAKE_NOT_STOPPED), "emergency"),
    ("E1", complete_case(episode(stops_with_gentle_restraint="partially")), "emergency"),
    ("E1", complete_case(episode(CLONIC_EPISODE, stops_with_gentle_restraint="not_tried")), None),
    ("E2", complete_case(episode(eye_signs="deviation")), "emergency"),
    ("E2", complete_case(episode(eye_signs="staring")), "emergency"),
    ("E2", complete_case(episode(autonomic=["apnea"])), "emergency"),
    ("E2", complete_case(episode(autonomic=["cyanosis_or_color_change"])), "emergency"),
    ("E3", complete_case(episode(consciousness="altered")), "emergency"),
    ("E3", complete_case(episode(after_event="sleepy"), age_days=200), "emergency"),
    ("E4", complete_case(results=[glucose(39.9, age_hours=3)], age_days=0.2), "emergency"),
    ("E4", complete_case(results=[glucose(2.1, "mmol/L", 10)], age_days=0.5), "emergency"),
    ("E4", complete_case(results=[glucose(39, age_hours=60)], age_days=3), "emergency"),
    (
        "E5",
        complete_case(
            episode(associated=["carpopedal_spasm"]),
            results=[{"test": "total_calcium", "value": 7.5, "unit": "mg/dL"}],
        ),
        "emergency",
    ),
    (
        "E5",
        complete_case(
            episode(CLONIC_EPISODE),
            results=[{"test": "magnesium", "value": 1.4, "unit": "mg/dL"}],
        ),
        "emergency",
    ),
    ("E6", complete_case(episode(associated=["fever"])), "emergency"),
    ("E6", complete_case(episode(associated=["poor_feeding"])), "emergency"),
    ("E7", complete_case(STARTLE_WITH_APNEA, **NOSE_TAP_STARTLE), "emergency"),
    ("S1", complete_case(SPASM_CLUSTER_EPISODE, age_days=180), "same_day"),
    ("S1", complete_case(SPASM_CLUSTER_EPISODE, age_days=180, development="regression"), None),
    ("S2", complete_case(age_days=1), "same_day"),
    ("S2", complete_case(age_days=1, maternal_diabetes=True, results=[glucose(70, age_hours=20)]),
     "same_day"),
    ("S3", FORMULA_DAY_7_IRRITABLE, "same_day"),
    (
        "S3",
        complete_case(
            episode(episodes_per_day=2), episode(episodes_per_day=9), age_days=9, feeding="mixed"
        ),
        "same_day",
    ),
    ("S4", complete_case(SLEEP_ONE_LEG), "same_day"),
    ("S5", complete_case(results=[glucose(45, age_hours=30)], age_days=1.25), "same_day"),
    ("S5", complete_case(results=[glucose(55, age_hours=60)], age_days=2.5), "same_day"),
    ("S5", complete_case(results=[{"test": "magnesium", "value": 1.5, "unit": "mg/dL"}]),
     "same_day"),
    ("S5", complete_case(results=[{"test": "ionized_calcium", "value": 1.0, "unit": "mmol/L"}]),
     "same_day"),
    ("E1", complete_case(episode(CLONIC_EPISODE, state="asleep", stops_on_waking="no")),
     "emergency"),
    ("P1", complete_case(results=[{"test": "eeg", "interpretation": "epileptiform"}]),
     "same_day"),
    ("P1", complete_case(results=[{"test": "video_eeg", "interpretation": "hypsarrhythmia"}]),
     "same_day"),
    ("R1", complete_case(age_days=90), "routine_visit"),
    ("R2", complete_case(SLEEP_JERKS_EPISODE), "routine_visit"),
    ("R3", complete_case(STARTLE_EPISODE, age_days=200, development="age_appropriate"),
     "routine_visit"),
    ("R3", complete_case(episode(STARTLE_EPISODE, symmetry="asymmetric")), "routine_visit"),
    ("R4", complete_case(SHUDDERING, age_days=180, development="age_appropriate",
                         results=[{"test": "eeg", "interpretation": "normal"}]), "routine_visit"),
    ("R5", complete_case(age_days=40, development="delayed"), "routine_visit"),
    ("M1", complete_case(), "reassure_monitor"),
    ("M1", complete_case(STARTLE_EPISODE, age_days=120, development="age_appropriate"),
     "reassure_monitor"),
    ("M1", CONFIRMED_SLEEP_JERKS, "reassure_monitor"),
    ("R0", complete_case(episode(eye_signs=None)), "routine_visit"),
]  # fmt: skip

DOES_NOT_FIRE = [
    # "not stopped by restraint" points to seizure only while awake (section 0.4).
    ("E1", complete_case(SLEEP_JERKS_EPISODE)),
    ("E1", complete_case()),
    ("E2", complete_case(STARTLE_EPISODE)),
    ("E3", complete_case(episode(consciousness="altered"), age_days=200)),
    ("E3", complete_case(episode(after_event="cries_then_settles"))),
    ("E4", complete_case(results=[glucose(40, age_hours=3)], age_days=0.2)),
    ("E4", complete_case(results=[glucose(2.2, "mmol/L", 3)], age_days=0.2)),
    # Symptoms are required: a low value in an infant with no logged episode is same-day (S5).
    ("E4", {"infant": {"age_days": 0.2}, "results": [glucose(39.9, age_hours=3)]}),
    ("E5", complete_case(results=[{"test": "total_calcium", "value": 7.5, "unit": "mg/dL"}])),
    ("E6", complete_case(episode(associated=["fever"]), age_days=100)),
    ("E7", complete_case(STARTLE_EPISODE, **NOSE_TAP_STARTLE)),
    ("S1", complete_case(SPASM_CLUSTER_EPISODE, age_days=900, development="age_appropriate")),
    ("S1", complete_case(episode(SPASM_CLUSTER_EPISODE, clusters="no"), age_days=180)),
    ("S2", complete_case(age_days=1, results=[glucose(70, age_hours=20)])),
    ("S2", complete_case(age_days=10)),
    ("S3", complete_case(episode(associated=["irritability"]), age_days=7, feeding="breast")),
    ("S3", complete_case(age_days=7, feeding="formula")),
    ("S4", complete_case(SLEEP_ONE_LEG, age_days=120, development="age_appropriate")),
    ("S4", complete_case(SLEEP_JERKS_EPISODE)),
    ("S5", complete_case(results=[glucose(55, age_hours=30)], age_days=1.25)),
    ("S5", complete_case(results=[{"test": "magnesium", "value": 1.6, "unit": "mg/dL"}])),
    ("P1", complete_case(results=[{"test": "eeg", "interpretation": "normal"}])),
    ("P1", complete_case(results=[{"test": "eeg", "interpretation": "other_abnormal"}])),
    ("R1", complete_case(age_days=30)),
    ("R2", CONFIRMED_SLEEP_JERKS),
    ("R2", complete_case()),
    ("R3", complete_case(STARTLE_EPISODE, age_days=30)),
    ("R4", complete_case(SHUDDERING, age_days=180, development="age_appropriate")),
    ("R5", complete_case(age_days=40, development="age_appropriate")),
    # Regression is not "developmental concern without regression".
    ("R5", complete_case(age_days=40, development="regression")),
    ("M1", complete_case(episode(eye_signs=None))),
    ("M1", complete_case(age_days=None)),
    ("M1", complete_case(maternal_diabetes=None)),
    ("M1", complete_case(age_days=90)),
    ("M1", complete_case(STARTLE_EPISODE, age_days=200, development="age_appropriate")),
    # A coarse tremor is a red flag for jitteriness even when it stops with holding.
    ("M1", complete_case(episode(movement_type="coarse_tremor", rate_hz_est=None))),
    ("M1", complete_case(results=[{"test": "mri_brain", "interpretation": "abnormal"}])),
    ("M1", complete_case(results=[{"test": "eeg", "interpretation": "other_abnormal"}])),
    ("R0", complete_case()),
]


def _id(row) -> str:
    return row[0]


@pytest.mark.parametrize(("rule", "case", "expected_triage"), FIRES, ids=list(map(_id, FIRES)))
def test_rule_fires_and_sets_its_level(rule, case, expected_triage):
    result = score(case)
    assert rule in result["triage_rules"]
    if expected_triage is not None:
        assert result["triage"] == expected_triage


@pytest.mark.parametrize(("rule", "case"), DOES_NOT_FIRE, ids=list(map(_id, DOES_NOT_FIRE)))
def test_rule_does_not_fire_outside_its_conditions(rule, case):
    assert rule not in score(case)["triage_rules"]


def test_emergency_wins_over_same_day_and_routine():
    case = complete_case(episode(eye_signs="deviation"), age_days=1, development="delayed")
    result = score(case)
    assert result["triage"] == "emergency"
    assert {"E2", "S2", "R5"} <= set(result["triage_rules"])


def test_normal_video_eeg_of_the_typical_event_overrides_e1_e2_and_s1():
    case = complete_case(AWAKE_NOT_STOPPED, results=[normal_video_eeg()])
    result = score(case)
    assert "OVR1" in result["triage_rules"]
    assert "E1" not in result["triage_rules"]
    assert result["triage"] == "routine_visit"


def test_override_drops_spasm_clusters_to_routine_visit():
    case = complete_case(
        SPASM_CLUSTER_EPISODE,
        age_days=180,
        development="age_appropriate",
        results=[normal_video_eeg()],
    )
    result = score(case)
    assert "S1" not in result["triage_rules"]
    assert result["triage"] == "routine_visit"


def test_override_needs_the_typical_event_captured():
    result = score(complete_case(AWAKE_NOT_STOPPED, results=[normal_video_eeg(captured=False)]))
    assert "OVR1" not in result["triage_rules"]
    assert result["triage"] == "emergency"


def test_override_leaves_other_emergency_rules_in_force():
    case = complete_case(
        episode(AWAKE_NOT_STOPPED, associated=["fever"]), results=[normal_video_eeg()]
    )
    result = score(case)
    assert "E6" in result["triage_rules"]
    assert result["triage"] == "emergency"


def test_override_with_confirmed_sleep_myoclonus_reassures():
    result = score(CONFIRMED_SLEEP_JERKS)
    assert result["triage"] == "reassure_monitor"
    assert "OVR1" in result["triage_rules"]
    assert result["leading_cause"] == "benign_neonatal_sleep_myoclonus"


def test_infantile_spasms_are_same_day_even_with_normal_development():
    result = score(
        complete_case(SPASM_CLUSTER_EPISODE, age_days=120, development="age_appropriate")
    )
    assert result["triage"] == "same_day"
    assert result["leading_cause"] == "infantile_spasms"


def test_low_glucose_emergency_line_applies_beyond_24_hours_as_policy():
    result = score(complete_case(results=[glucose(35, age_hours=100)], age_days=5))
    assert "E4" in result["triage_rules"]
