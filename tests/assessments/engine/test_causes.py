"""Each of the nine causes of CLINICAL_CRITERIA.md section 2: a textbook case that leads with it,
and a case carrying one of its "points away" features, which must show in its ``against``."""

import pytest

from assessments.engine import CAUSES
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

LOW_TOTAL_CALCIUM = {"test": "total_calcium", "value": 7.0, "unit": "mg/dL"}
NORMAL_CALCIUM = [
    {"test": "total_calcium", "value": 9.0, "unit": "mg/dL"},
    {"test": "ionized_calcium", "value": 1.2, "unit": "mmol/L"},
]
SHUDDERING_AT_MEALS = episode(
    state="feeding",
    trigger="feeding",
    movement_type="shuddering",
    oscillation="repetitive_brief_jerks",
    rate_hz_est=None,
    stops_with_gentle_restraint="not_tried",
    clusters="no",
)
HYPEREKPLEXIA = {
    "neuro_exam": "exaggerated_nose_tap_startle",
    "family_history": ["startle_disorder"],
}
STARTLE_WITH_STIFFNESS = episode(STARTLE_EPISODE, associated=["generalized_stiffness"])

LEADS = {
    "physiological_jitteriness": complete_case(),
    "startle_moro": complete_case(STARTLE_EPISODE),
    "benign_neonatal_sleep_myoclonus": complete_case(SLEEP_JERKS_EPISODE),
    "hypocalcemia": complete_case(
        episode(associated=["carpopedal_spasm"]),
        age_days=7,
        feeding="formula",
        results=[LOW_TOTAL_CALCIUM, glucose(80)],
    ),
    "hypoglycemia": complete_case(
        episode(associated=["sweating"]),
        age_days=1,
        maternal_diabetes=True,
        results=[glucose(35, age_hours=20)],
    ),
    "neonatal_or_focal_seizure": complete_case(episode(CLONIC_EPISODE, eye_signs="deviation")),
    "infantile_spasms": complete_case(
        SPASM_CLUSTER_EPISODE, age_days=180, development="regression"
    ),
    "benign_nonepileptic_infant_paroxysm": complete_case(
        SHUDDERING_AT_MEALS,
        age_days=180,
        development="age_appropriate",
        results=[normal_video_eeg()],
    ),
    "pathologic_startle_hyperekplexia": complete_case(STARTLE_WITH_STIFFNESS, **HYPEREKPLEXIA),
}

# (cause, case, one "points away" text from the specification)
AGAINST = [
    (
        "physiological_jitteriness",
        complete_case(episode(stops_with_gentle_restraint="no")),
        "continues when the limb is held while awake",
    ),
    (
        "startle_moro",
        complete_case(episode(STARTLE_EPISODE, trigger="none", clusters="yes")),
        "no stimulus",
    ),
    (
        "benign_neonatal_sleep_myoclonus",
        complete_case(SLEEP_JERKS_EPISODE, episode(SLEEP_JERKS_EPISODE, state="awake_calm")),
        "happens awake",
    ),
    (
        "benign_neonatal_sleep_myoclonus",
        complete_case(episode(SLEEP_JERKS_EPISODE, stops_on_waking="no")),
        "continues after waking",
    ),
    (
        "hypocalcemia",
        complete_case(episode(associated=["carpopedal_spasm"]), results=NORMAL_CALCIUM),
        "normal total and ionized calcium",
    ),
    ("hypoglycemia", complete_case(age_days=1, results=[glucose(80, age_hours=20)]),
     "normal glucose"),
    (
        "neonatal_or_focal_seizure",
        complete_case(
            episode(CLONIC_EPISODE, stops_with_gentle_restraint="yes"),
            results=[normal_video_eeg()],
        ),
        "normal video-EEG during a typical event",
    ),
    (
        "neonatal_or_focal_seizure",
        complete_case(SLEEP_JERKS_EPISODE),
        "only in sleep and stops on waking",
    ),
    (
        "infantile_spasms",
        complete_case(SPASM_CLUSTER_EPISODE, age_days=180, results=[normal_video_eeg()]),
        "normal video-EEG during a typical event",
    ),
    ("infantile_spasms", complete_case(SLEEP_JERKS_EPISODE), "only in sleep"),
    (
        "benign_nonepileptic_infant_paroxysm",
        complete_case(SHUDDERING_AT_MEALS, age_days=180, development="regression"),
        "developmental regression",
    ),
    (
        "pathologic_startle_hyperekplexia",
        complete_case(
            STARTLE_WITH_STIFFNESS,
            results=[{"test": "eeg", "interpretation": "epileptiform"}],
            **HYPEREKPLEXIA,
        ),
        "epileptiform EEG (EEG is normal in hyperekplexia)",
    ),
]  # fmt: skip


def _entry(result: dict, cause: str) -> dict:
    return next(entry for entry in result["differential"] if entry["cause"] == cause)


def test_every_cause_has_a_leading_case():
    assert set(LEADS) == set(CAUSES)


@pytest.mark.parametrize("cause", list(LEADS))
def test_textbook_case_leads_with_its_cause(cause):
    result = score(LEADS[cause])
    assert result["leading_cause"] == cause
    assert result["differential"][0]["for"]


@pytest.mark.parametrize(("cause", "case", "reason"), AGAINST, ids=[row[0] for row in AGAINST])
def test_points_away_feature_is_listed_against_the_cause(cause, case, reason):
    against = _entry(score(case), cause)
    assert reason in against["against"]
    assert against["score"] < _entry(score(LEADS[cause]), cause)["score"]


def test_every_cause_has_a_case_against_it():
    assert {cause for cause, _, _ in AGAINST} == set(CAUSES)


def test_differential_lists_the_nine_causes_ranked_by_score():
    result = score(complete_case())
    scores = [entry["score"] for entry in result["differential"]]
    assert sorted(entry["cause"] for entry in result["differential"]) == sorted(CAUSES)
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= value < 1 for value in scores)


def test_restraint_not_stopping_sleep_jerks_supports_sleep_myoclonus_not_seizure():
    result = score(complete_case(SLEEP_JERKS_EPISODE))
    assert (
        "not stopped by holding during sleep (typical of sleep myoclonus)"
        in (_entry(result, "benign_neonatal_sleep_myoclonus")["for"])
    )
    assert (
        "not stopped by holding while awake"
        not in (_entry(result, "neonatal_or_focal_seizure")["for"])
    )


def test_hyperekplexia_with_apnea_is_an_emergency_with_eeg_recommended():
    case = complete_case(episode(STARTLE_WITH_STIFFNESS, autonomic=["apnea"]), **HYPEREKPLEXIA)
    result = score(case)
    assert result["leading_cause"] == "pathologic_startle_hyperekplexia"
    assert result["triage"] == "emergency"
    assert "eeg" in result["recommended_tests"]


def test_typical_jitteriness_needs_no_tests():
    assert score(complete_case())["recommended_tests"] == []


def test_low_calcium_recommends_the_calcium_work_up():
    result = score(LEADS["hypocalcemia"])
    for test in ("magnesium", "phosphate", "pth", "vitamin_d_25oh", "ionized_calcium"):
        assert test in result["recommended_tests"]
    assert "total_calcium" not in result["recommended_tests"]


def test_low_glucose_after_48_hours_asks_for_a_critical_sample():
    result = score(complete_case(results=[glucose(45, age_hours=80)], age_days=4))
    assert "critical_sample" in result["recommended_tests"]
    assert "low glucose persisting beyond 48 hours" in result["red_flags"]


def test_seizure_recommends_video_eeg_and_mri():
    result = score(LEADS["neonatal_or_focal_seizure"])
    assert {"video_eeg", "mri_brain", "glucose"} <= set(result["recommended_tests"])
    assert "one-sided jerks in a neonate" in result["red_flags"]
