"""Lab thresholds of CLINICAL_CRITERIA.md section 4, at their boundaries, in both units."""

import pytest

from assessments.engine import CaseError, interpret_lab, lab_thresholds

TERM = {"gestational_weeks": 39, "birth_weight_g": 3300}
PRETERM = {"gestational_weeks": 32, "birth_weight_g": 1800}
VLBW = {"gestational_weeks": 30, "birth_weight_g": 1400}

BOUNDARIES = [
    # Glucose: <40 mg/dL (<2.2 mmol/L) is the emergency line at any age (AAP; E4 beyond 24 h).
    ("glucose", 39.9, "mg/dL", {"age_hours": 3}, "critical"),
    ("glucose", 40, "mg/dL", {"age_hours": 3}, "low"),
    ("glucose", 2.19, "mmol/L", {"age_hours": 3}, "critical"),
    ("glucose", 2.2, "mmol/L", {"age_hours": 3}, "low"),
    ("glucose", 39.9, "mg/dL", {"age_hours": 60}, "critical"),
    # PES goal >50 mg/dL (>2.8 mmol/L) in the first 48 h.
    ("glucose", 50, "mg/dL", {"age_hours": 10}, "low"),
    ("glucose", 51, "mg/dL", {"age_hours": 10}, "normal"),
    ("glucose", 2.8, "mmol/L", {"age_hours": 10}, "low"),
    ("glucose", 2.9, "mmol/L", {"age_hours": 10}, "normal"),
    ("glucose", 55, "mg/dL", {"age_hours": 30}, "normal"),
    ("glucose", 45, "mg/dL", {"age_hours": 30}, "low"),
    # PES goal >60 mg/dL (>3.3 mmol/L) after 48 h.
    ("glucose", 55, "mg/dL", {"age_hours": 60}, "low"),
    ("glucose", 60, "mg/dL", {"age_hours": 60}, "low"),
    ("glucose", 61, "mg/dL", {"age_hours": 60}, "normal"),
    ("glucose", 3.3, "mmol/L", {"age_hours": 48}, "low"),
    ("glucose", 3.4, "mmol/L", {"age_hours": 48}, "normal"),
    # Unknown age: the stricter goal.
    ("glucose", 55, "mg/dL", {}, "low"),
    # Total calcium: term <8.0 mg/dL (<2.0 mmol/L); preterm or VLBW <7.0 (<1.75).
    ("total_calcium", 7.9, "mg/dL", TERM, "low"),
    ("total_calcium", 8.0, "mg/dL", TERM, "normal"),
    ("total_calcium", 7.9, "mg/dL", PRETERM, "normal"),
    ("total_calcium", 6.9, "mg/dL", PRETERM, "low"),
    ("total_calcium", 7.9, "mg/dL", {"birth_weight_g": 1400}, "normal"),
    ("total_calcium", 1.99, "mmol/L", TERM, "low"),
    ("total_calcium", 2.0, "mmol/L", TERM, "normal"),
    ("total_calcium", 1.75, "mmol/L", PRETERM, "normal"),
    ("total_calcium", 1.74, "mmol/L", PRETERM, "low"),
    ("total_calcium", 7.9, "mg/dL", {}, "low"),
    # Ionized calcium: <4.4 mg/dL (<1.10) at 1500 g or more; <4.0 (<1.0) below 1500 g.
    ("ionized_calcium", 4.3, "mg/dL", TERM, "low"),
    ("ionized_calcium", 4.4, "mg/dL", TERM, "normal"),
    ("ionized_calcium", 4.3, "mg/dL", VLBW, "normal"),
    ("ionized_calcium", 3.9, "mg/dL", VLBW, "low"),
    ("ionized_calcium", 4.3, "mg/dL", {"birth_weight_g": 1500}, "low"),
    ("ionized_calcium", 1.09, "mmol/L", TERM, "low"),
    ("ionized_calcium", 1.10, "mmol/L", TERM, "normal"),
    ("ionized_calcium", 0.99, "mmol/L", VLBW, "low"),
    ("ionized_calcium", 1.0, "mmol/L", VLBW, "normal"),
    ("ionized_calcium", 1.05, "mmol/L", {}, "low"),
    # Magnesium <1.6 mg/dL (<0.66 mmol/L).
    ("magnesium", 1.59, "mg/dL", {}, "low"),
    ("magnesium", 1.6, "mg/dL", {}, "normal"),
    ("magnesium", 0.65, "mmol/L", {}, "low"),
    ("magnesium", 0.66, "mmol/L", {}, "normal"),
    # Phosphate >8 mg/dL (>2.6 mmol/L) is high.
    ("phosphate", 8.0, "mg/dL", {}, "normal"),
    ("phosphate", 8.1, "mg/dL", {}, "high"),
    ("phosphate", 2.6, "mmol/L", {}, "normal"),
    ("phosphate", 2.7, "mmol/L", {}, "high"),
    # 25-hydroxyvitamin D: <12 ng/mL (<30 nmol/L) deficiency, 12-19 (30-49) insufficiency.
    ("vitamin_d_25oh", 11.9, "ng/mL", {}, "low"),
    ("vitamin_d_25oh", 19.9, "ng/mL", {}, "low"),
    ("vitamin_d_25oh", 20, "ng/mL", {}, "normal"),
    ("vitamin_d_25oh", 49, "nmol/L", {}, "low"),
    ("vitamin_d_25oh", 50, "nmol/L", {}, "normal"),
    # No sourced threshold: never invented.
    ("pth", 5, "pg/mL", {}, "not_interpreted"),
    ("pth", 500, "pg/mL", {}, "not_interpreted"),
    ("alkaline_phosphatase", 900, "U/L", {}, "not_interpreted"),
]


@pytest.mark.parametrize(("test", "value", "unit", "context", "flag"), BOUNDARIES)
def test_lab_value_is_flagged_against_the_threshold_for_its_unit_and_infant(
    test, value, unit, context, flag
):
    assert interpret_lab(test, value, unit, **context)["flag"] == flag


@pytest.mark.parametrize(
    ("test", "value", "unit", "expected"),
    [
        ("glucose", 2.0, "mmol/L", 36.0),
        ("total_calcium", 2.0, "mmol/L", 8.0),
        ("ionized_calcium", 1.1, "mmol/L", 4.4),
        ("magnesium", 0.66, "mmol/L", 1.6038),
        ("phosphate", 2.6, "mmol/L", 8.06),
        ("vitamin_d_25oh", 50, "nmol/L", 20.0),
        ("glucose", 45, "mg/dL", 45.0),
    ],
)
def test_values_are_normalised_with_the_section_4_conversions(test, value, unit, expected):
    result = interpret_lab(test, value, unit)
    assert result["normalised_value"] == pytest.approx(expected)
    assert result["normalised_unit"] in ("mg/dL", "ng/mL")


@pytest.mark.parametrize(
    ("value", "category"),
    [(11.9, "deficiency"), (12, "insufficiency"), (19, "insufficiency"), (20, "sufficient")],
)
def test_vitamin_d_status_uses_the_global_consensus_bands(value, category):
    assert interpret_lab("vitamin_d_25oh", value, "ng/mL")["category"] == category


def test_interpretation_names_threshold_rule_and_sources():
    result = interpret_lab("glucose", 45, "mg/dL", age_hours=30)
    assert result["threshold"] == {
        "id": "GLU-PES-48H",
        "comparison": "<=",
        "value": 50,
        "unit": "mg/dL",
    }
    assert result["source"] == ["20"]
    assert "PES" in result["rule"]


def test_unknown_population_is_noted_and_the_stricter_threshold_applies():
    result = interpret_lab("ionized_calcium", 4.2, "mg/dL")
    assert result["flag"] == "low"
    assert result["notes"]


def test_pth_says_why_it_is_not_interpreted():
    result = interpret_lab("pth", 12, "pg/mL")
    assert result["threshold"] is None
    assert "no numeric threshold" in result["rule"]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: interpret_lab("glucose", 50, "mg/L"), "unit"),
        (lambda: interpret_lab("glucose", 50, "mg/dl"), "unit"),
        (lambda: interpret_lab("pth", 50, "ng/L"), "unit"),
        (lambda: interpret_lab("eeg", 1, "mg/dL"), "test"),
        (lambda: interpret_lab("sodium", 140, "mmol/L"), "test"),
        (lambda: interpret_lab("glucose", "50", "mg/dL"), "value"),
        (lambda: interpret_lab("glucose", True, "mg/dL"), "value"),
        (lambda: interpret_lab("glucose", -1, "mg/dL"), "value"),
        (lambda: interpret_lab("glucose", float("nan"), "mg/dL"), "value"),
        (lambda: interpret_lab("glucose", 50, "mg/dL", age_hours=-2), "age_hours"),
        (lambda: lab_thresholds("ketones"), "test"),
    ],
)
def test_invalid_lab_input_raises_case_error_naming_the_field(call, field):
    with pytest.raises(CaseError) as caught:
        call()
    assert caught.value.field == field
    assert field in str(caught.value)


def test_unknown_unit_error_lists_the_allowed_units():
    with pytest.raises(CaseError) as caught:
        interpret_lab("vitamin_d_25oh", 20, "ug/L")
    assert caught.value.allowed == ["ng/mL", "nmol/L"]


@pytest.mark.parametrize(
    ("age_hours", "ids"),
    [
        (3, ["GLU-CRIT", "GLU-PES-48H"]),
        (10, ["GLU-CRIT", "GLU-PES-48H"]),
        (30, ["GLU-CRIT", "GLU-PES-48H"]),
        (60, ["GLU-CRIT", "GLU-PES-AFTER-48H"]),
    ],
)
def test_glucose_thresholds_for_plotting_depend_on_age_in_hours(age_hours, ids):
    thresholds = lab_thresholds("glucose", age_hours=age_hours)
    assert [line["id"] for line in thresholds["thresholds"]] == ids
    assert thresholds["unit"] == "mg/dL"


def test_aap_reference_lines_follow_the_age_bands():
    early = {line["id"] for line in lab_thresholds("glucose", age_hours=3)["reference"]}
    later = {line["id"] for line in lab_thresholds("glucose", age_hours=10)["reference"]}
    assert "GLU-AAP-0-4H" in early
    assert "GLU-AAP-4-24H" not in early
    assert "GLU-AAP-4-24H" in later
    assert "GLU-AAP-0-4H" not in later


def test_thresholds_give_both_units_and_none_for_pth():
    ionized = lab_thresholds("ionized_calcium", birth_weight_g=1200)["thresholds"]
    assert ionized[0]["values"] == {"mg/dL": 4.0, "mmol/L": 1.0}
    pth = lab_thresholds("pth")
    assert pth["thresholds"] == []
    assert pth["not_interpreted"]
