"""Ruleset 2.0.0: thresholds in both units (just below, at, just above), validity windows at their
edges, chronological, corrected and postmenstrual age at their boundaries, every new cause and
field, the tests recommended, and current versus history red flags (section 0b)."""

import pytest

from assessments.engine import interpret_lab
from tests.assessments.engine.cases_2 import (
    CLONIC_2,
    JITTERY_2,
    SLEEP_JERKS_2,
    case_2,
    eeg,
    ep,
    lab,
    score_2,
)

EPS = 0.01
# (test, canonical threshold in mg/dL-or-canonical, factor to the other unit, other unit,
#  flag below/at/above, context)
THRESHOLDS = [
    ("glucose", 40, 18.0, "mmol/L", ("critical", "low", "low"), {"age_hours": 10}),
    ("glucose", 50, 18.0, "mmol/L", ("low", "low", "normal"), {"age_hours": 30}),
    ("glucose", 60, 18.0, "mmol/L", ("low", "low", "normal"), {"age_hours": 60}),
    (
        "total_calcium",
        8.0,
        4.0,
        "mmol/L",
        ("low", "normal", "normal"),
        {"gestational_weeks": 39, "birth_weight_g": 3300},
    ),
    (
        "total_calcium",
        7.0,
        4.0,
        "mmol/L",
        ("low", "normal", "normal"),
        {"gestational_weeks": 34, "birth_weight_g": 2000},
    ),
    ("ionized_calcium", 4.4, 4.0, "mmol/L", ("low", "normal", "normal"), {"birth_weight_g": 3300}),
    ("ionized_calcium", 4.0, 4.0, "mmol/L", ("low", "normal", "normal"), {"birth_weight_g": 1200}),
    ("magnesium", 1.6, 2.43, "mmol/L", ("low", "normal", "normal"), {}),
    ("phosphate", 8.0, 3.1, "mmol/L", ("normal", "normal", "high"), {}),
    ("vitamin_d_25oh", 12, 0.4, "nmol/L", ("low", "low", "low"), {}),
    ("vitamin_d_25oh", 20, 0.4, "nmol/L", ("low", "normal", "normal"), {}),
    ("sodium", 150, None, None, ("normal", "normal", "high"), {}),
    ("sodium", 130, None, None, ("low", "normal", "normal"), {}),
]
CANONICAL_UNIT = {"vitamin_d_25oh": "ng/mL", "sodium": "mmol/L"}


@pytest.mark.parametrize(("test", "limit", "factor", "other", "flags", "context"), THRESHOLDS)
def test_each_threshold_in_both_units_below_at_and_above(
    test, limit, factor, other, flags, context
):
    unit = CANONICAL_UNIT.get(test, "mg/dL")
    for value, expected in zip((limit - EPS, limit, limit + EPS), flags, strict=True):
        assert interpret_lab(test, value, unit, ruleset="2.0.0", **context)["flag"] == expected
        if factor is not None:
            # The same measurement in the other unit (I3): value in mg/dL = mmol/L x factor.
            twin = value / factor
            got = interpret_lab(test, twin, other, ruleset="2.0.0", **context)
            assert got["flag"] == expected, (test, value, twin)
            assert got["normalised_value"] == pytest.approx(value, abs=1e-3)


def test_2_2_mmol_l_glucose_is_39_6_mg_dl_and_fires_the_below_40_rule():
    result = interpret_lab("glucose", 2.2, "mmol/L", age_hours=10, ruleset="2.0.0")
    assert result["normalised_value"] == pytest.approx(39.6)
    assert result["flag"] == "critical"
    # Ruleset 1.0.0 compared in the reported unit and is kept as it was.
    assert interpret_lab("glucose", 2.2, "mmol/L", age_hours=10)["flag"] == "low"
    for value, unit in ((2.2, "mmol/L"), (39.6, "mg/dL")):
        result = score_2(case_2(results=[lab("glucose", value, unit, 240)]))
        assert "E4" in result["triage_rules"]


def test_bilirubin_in_micromoles_is_converted_and_not_interpreted_by_a_number():
    result = interpret_lab("bilirubin_total", 342, "umol/L", ruleset="2.0.0")
    assert result["normalised_value"] == pytest.approx(20.0)
    assert result["flag"] == "not_interpreted"


# --- Validity windows ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("episode_hours", "sample_hours", "counts"),
    [
        (20, 23, True),
        (20, 17, True),
        (20, 23.1, False),
        (20, 16.9, False),
        (100, 106, True),
        (100, 94, True),
        (100, 106.1, False),
        (100, 93.9, False),
    ],
)
def test_a_glucose_counts_for_an_episode_within_3_h_before_48_h_and_6_h_after(
    episode_hours, sample_hours, counts
):
    case = case_2(
        ep(JITTERY_2, age_hours=episode_hours),
        age_days=episode_hours / 24,
        results=[lab("glucose", 35, age_hours=sample_hours)],
    )
    result = score_2(case)
    assert ("E4" in result["triage_rules"]) is counts
    if not counts:
        assert any(f["id"] == "RF18" for f in result["red_flags_history"])
        assert "glucose" in result["recommended_tests"]


@pytest.mark.parametrize(
    ("sample_hours", "counts"), [(148, True), (52, True), (148.5, False), (51.5, False)]
)
def test_calcium_counts_within_48_h_of_the_episode(sample_hours, counts):
    case = case_2(
        ep(CLONIC_2, age_hours=100),
        age_days=100 / 24,
        results=[lab("total_calcium", 6.5, age_hours=sample_hours)],
    )
    result = score_2(case)
    fired = next(r for r in result["rules_fired"] if r["id"] == "E5") if counts else None
    assert ("E5" in result["triage_rules"]) is counts
    if fired:
        assert fired["episodes"] == [0]


def test_a_result_outside_every_window_is_history_and_the_test_is_recommended_again():
    result = score_2(
        case_2(
            ep(JITTERY_2, age_hours=62), age_days=2.6, results=[lab("glucose", 44, age_hours=10)]
        )
    )
    assert "S5" not in result["triage_rules"]
    history = {f["id"]: f for f in result["red_flags_history"]}
    assert history["RF19"]["why_history"] == "outside the validity window of every episode"
    assert "glucose" in result["recommended_tests"]


def test_an_old_low_glucose_with_a_later_normal_one_says_so():
    result = score_2(
        case_2(
            ep(JITTERY_2, age_hours=200),
            age_days=200 / 24,
            results=[lab("glucose", 35, age_hours=30), lab("glucose", 70, age_hours=40)],
        )
    )
    flag = next(f for f in result["red_flags_history"] if f["id"] == "RF18")
    assert flag["why_history"] == "an older result; a later glucose was normal"
    assert flag["text"] == "glucose 35 mg/dL at 30 h"


def test_a_test_resulted_within_its_window_is_not_recommended_again():
    inside = score_2(
        case_2(
            ep(JITTERY_2, age_hours=30), age_days=1.5, results=[lab("glucose", 70, age_hours=31)]
        )
    )
    assert "glucose" not in inside["recommended_tests"]
    assert "S2" not in inside["triage_rules"]


def test_only_the_latest_eeg_counts():
    result = score_2(
        case_2(
            results=[
                eeg("electrographic_seizures", age_hours=100),
                eeg("normal", test="eeg", captured=False, age_hours=200),
            ]
        )
    )
    assert "E8" not in result["triage_rules"]
    assert any(f["id"] == "RF22" for f in result["red_flags_history"])


# --- Age -------------------------------------------------------------------------------------
ONE_SIDED_SLEEP = ep(SLEEP_JERKS_2, symmetry="unilateral", age_hours=None)


@pytest.mark.parametrize(
    ("days", "weeks", "neonate"),
    [
        (28, 41, True),
        (28.1, 41, False),
        (28.1, 40, False),
        (27.9, 40, True),
        (34.9, 39, True),
        (35.1, 39, False),
        (83, 32, True),
        (85, 32, False),
        (30, None, False),
    ],
)
def test_neonate_means_28_days_or_less_or_a_postmenstrual_age_under_44_weeks(days, weeks, neonate):
    result = score_2(case_2(ONE_SIDED_SLEEP, age_days=days, gestational_weeks=weeks))
    assert ("S4" in result["triage_rules"]) is neonate


@pytest.mark.parametrize(
    ("days", "weeks", "beyond_two_months"),
    [
        (60, 39, False),
        (61, 39, True),
        (130, 30, False),
        (131, 30, True),
        (88, 36, False),
        (89, 36, True),
    ],
)
def test_the_jitteriness_window_uses_corrected_age_for_preterm_infants(
    days, weeks, beyond_two_months
):
    assert ("R1" in score_2(case_2(age_days=days, gestational_weeks=weeks))["triage_rules"]) is (
        beyond_two_months
    )


@pytest.mark.parametrize(
    ("days", "weeks", "fires"),
    [(182, 39, False), (183, 39, True), (238, 32, False), (239, 32, True)],
)
def test_the_moro_window_uses_corrected_age(days, weeks, fires):
    from tests.assessments.engine.cases_2 import STARTLE_2

    result = score_2(
        case_2(
            ep(STARTLE_2, age_hours=None),
            age_days=days,
            gestational_weeks=weeks,
            development="age_appropriate",
        )
    )
    assert ("R3" in result["triage_rules"]) is fires


@pytest.mark.parametrize(("days", "rule"), [(90, "E6"), (90.1, "S13"), (28, "E6"), (29, "E6")])
def test_young_infant_means_90_days_or_less(days, rule):
    result = score_2(case_2(ep(JITTERY_2, temperature_c=38.2, age_hours=None), age_days=days))
    assert rule in result["triage_rules"]


def test_each_episode_is_read_at_its_own_age():
    # The same sweating jitteriness at 30 h (S2) and at 100 h (S6), each naming its episode.
    result = score_2(
        case_2(
            ep(JITTERY_2, age_hours=30, associated=["sweating"]),
            ep(JITTERY_2, age_hours=100, associated=["sweating"]),
            age_days=100 / 24,
        )
    )
    fired = {r["id"]: r["episodes"] for r in result["rules_fired"]}
    assert fired["S2"] == [0]
    assert fired["S6"] == [1]


# --- New causes and fields -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("case", "leading"),
    [
        (case_2(ep(JITTERY_2, temperature_c=38.5), age_days=40), "infection_sepsis_meningitis"),
        (case_2(ep(CLONIC_2, temperature_c=38.5), age_days=40), "infection_sepsis_meningitis"),
        (case_2(fontanelle="bulging", age_days=40), "infection_sepsis_meningitis"),
        (
            case_2(
                ep(JITTERY_2, temperature_c=38.5, age_hours=30),
                age_days=1.5,
                results=[lab("glucose", 30, age_hours=31)],
            ),
            "hypoglycemia",
        ),
        (
            case_2(
                ep(JITTERY_2, associated=["high_pitched_cry"]),
                age_days=3,
                maternal_drug_exposure=["opioids"],
            ),
            "drug_exposure_or_withdrawal",
        ),
        (case_2(ep(CLONIC_2), results=[lab("ionized_calcium", 0.9, "mmol/L")]), "hypocalcemia"),
    ],
)
def test_new_causes_and_metabolic_proof_lead(case, leading):
    result = score_2(case)
    assert result["leading_cause"] == leading
    if leading == "hypocalcemia":
        assert "HC5" in [reason["id"] for reason in result["differential"][0]["for"]]


def test_new_causes_are_argued_against():
    result = score_2(case_2(ep(JITTERY_2, temperature_c=37.0)))
    by_cause = {c["cause"]: c for c in result["differential"]}
    assert "INA1" in [r["id"] for r in by_cause["infection_sepsis_meningitis"]["against"]]
    assert "DWA1" in [r["id"] for r in by_cause["drug_exposure_or_withdrawal"]["against"]]
    assert len(result["differential"]) == 11


@pytest.mark.parametrize(
    ("changes", "expect"),
    [
        ({"size_for_gestational_age": "sga"}, ("rule", "S2")),
        ({"head": "microcephaly"}, ("flag", "RF30")),
        ({"neuro_exam": ["hypotonia"]}, ("flag", "RF11")),
        ({"family_history": ["tuberous_sclerosis"]}, ("criterion", "IS9")),
        ({"medications": [{"drug": "calcium", "response": "stopped"}]}, ("criterion", "HC14")),
        (
            {"medications": [{"drug": "phenobarbital", "response": "reduced"}]},
            ("criterion", "NS18"),
        ),
        ({"skin_signs": ["facial_angiofibromas"]}, ("rule", "S10")),
    ],
)
def test_each_new_infant_field_is_read(changes, expect):
    episode = ep(
        CLONIC_2,
        movement_type="myoclonic_jerks",
        clusters="yes",
        stops_with_gentle_restraint="yes",
        symmetry="symmetric",
        distribution="both_legs",
    )
    if expect[1] == "S2":
        episode = ep(JITTERY_2, age_hours=20)
        changes = {**changes, "age_days": 1}
    result = score_2(
        case_2(
            episode,
            results=[lab("glucose", 70, age_hours=20 if expect[1] == "S2" else 240)],
            **changes,
        )
    )
    kind, wanted = expect
    if kind == "rule":
        assert wanted in result["triage_rules"]
    elif kind == "flag":
        assert wanted in [f["id"] for f in result["red_flags"]]
    else:
        reasons = [r["id"] for c in result["differential"] for r in c["for"]]
        assert wanted in reasons


@pytest.mark.parametrize(
    ("case", "tests"),
    [
        (
            case_2(ep(JITTERY_2, eye_signs="deviation")),
            {"glucose", "total_calcium", "ionized_calcium", "magnesium", "video_eeg", "mri_brain"},
        ),
        (
            case_2(ep(JITTERY_2, consciousness="altered"), age_days=200),
            {"glucose", "total_calcium", "ionized_calcium", "magnesium", "video_eeg"},
        ),
        (
            case_2(ep(JITTERY_2, associated=["lethargy"])),
            {"electrolytes", "bilirubin", "infection_workup"},
        ),
        (case_2(ep(CLONIC_2, distribution="one_leg"), age_days=200), {"mri_brain"}),
        (case_2(results=[eeg("electrographic_seizures", test="eeg")], age_days=200), {"mri_brain"}),
        (case_2(ep(CLONIC_2), gestational_weeks=30), {"cranial_ultrasound"}),
    ],
)
def test_the_tests_section_0b_asks_for_are_recommended(case, tests):
    assert tests <= set(score_2(case)["recommended_tests"])


def test_no_mri_after_a_normal_ictal_eeg_of_a_typical_benign_pattern():
    shudder = ep(
        JITTERY_2,
        movement_type="shuddering",
        oscillation=None,
        state="feeding",
        trigger="feeding",
        stops_with_gentle_restraint="not_tried",
        age_hours=4800,
    )
    result = score_2(
        case_2(
            shudder,
            age_days=200,
            development="age_appropriate",
            results=[eeg(types=["shuddering"], age_hours=4810)],
        )
    )
    assert result["triage"] == "routine_visit"
    assert "mri_brain" not in result["recommended_tests"]
    assert "video_eeg" not in result["recommended_tests"]


def test_an_episode_before_a_normal_ictal_eeg_is_history_and_a_new_feature_fires_again():
    base = ep(SLEEP_JERKS_2, age_hours=100, eye_signs="staring")
    later = ep(SLEEP_JERKS_2, age_hours=200, eye_signs="staring")
    newer = ep(SLEEP_JERKS_2, age_hours=220, eye_signs="staring", symmetry="unilateral")
    recording = eeg(types=["myoclonic_jerks"], age_hours=150)
    quiet = score_2(case_2(base, later, age_days=10, results=[recording]))
    assert "E2" not in quiet["triage_rules"]
    assert quiet["red_flags"] == []
    assert [f["episodes"] for f in quiet["red_flags_history"] if f["id"] == "RF2"] == [[0, 1]]
    again = score_2(case_2(base, later, newer, age_days=10, results=[recording]))
    fired = {r["id"]: r["episodes"] for r in again["rules_fired"]}
    assert fired["E2"] == [2]
    assert "video_eeg" in again["recommended_tests"]


def test_support_words_replace_percentages():
    result = score_2(case_2(ep(CLONIC_2)))
    top = result["differential"][0]
    assert top["support"] == "strong"
    assert {c["support"] for c in result["differential"]} <= {"strong", "moderate", "weak", "none"}
