"""Contract 2 (CLINICAL_CRITERIA.md section 0b, "Contract additions"): every new field is accepted
with its allowed values and normalised; a bad value, a list where one value is expected or the
reverse is a ``CaseError`` naming the field and the allowed values, never a crash."""

import json

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.engine import CaseError, score, vocabulary
from assessments.engine.validation import validate_case_2

codes = vocabulary.codes
V2 = vocabulary.VOCABULARIES_2


def _infant(**fields):
    return validate_case_2({"infant": fields})[0]


def _episode(**fields):
    return validate_case_2({"episodes": [fields]})[1][0]


def _result(**fields):
    return validate_case_2({"results": [fields]})[2][0]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (["opioids", "ssri_snri"], ["opioids", "ssri_snri"]),
        (["methadone_or_buprenorphine"], ["methadone_or_buprenorphine"]),
        ([], []),
        (True, ["other"]),
        (False, []),
        (["alcohol", "alcohol"], ["alcohol"]),
    ],
)
def test_maternal_drug_exposure_is_a_list_and_booleans_are_still_read(given, stored):
    assert _infant(maternal_drug_exposure=given)["maternal_drug_exposure"] == stored


@pytest.mark.parametrize(
    ("given", "stored"),
    [("sga", "sga"), ("small", "sga"), ("appropriate", "aga"), ("large", "lga")],
)
def test_size_for_gestational_age_accepts_both_spellings(given, stored):
    assert _infant(size_for_gestational_age=given)["size_for_gestational_age"] == stored


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("abnormal_tone", ["abnormal_tone"]),
        ("normal", ["normal"]),
        (["hypertonia", "focal_deficit"], ["hypertonia", "focal_deficit"]),
        (["exaggerated_nose_tap_startle"], ["exaggerated_nose_tap_startle"]),
    ],
)
def test_neuro_exam_is_a_list_and_the_single_1_0_0_value_is_still_accepted(given, stored):
    assert _infant(neuro_exam=given)["neuro_exam"] == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("skin_signs", ["hypomelanotic_macules", "facial_angiofibromas"]),
        ("skin_signs", []),
        ("head", "rapidly_growing"),
        ("fontanelle", "bulging"),
        ("family_history", ["tuberous_sclerosis", "consanguinity"]),
        ("medications", [{"drug": "calcium", "age_hours": 100, "response": "stopped"}]),
        ("medications", []),
    ],
)
def test_new_infant_fields_are_accepted(field, value):
    assert _infant(**{field: value})[field] == value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age_hours", 30.5),
        ("temperature_c", 38.2),
        ("movement_type", "pedalling_or_boxing"),
        ("movement_type", "oral_automatisms"),
        (
            "associated",
            [
                "high_pitched_cry",
                "vomiting",
                "inconsolable_crying",
                "jaundice",
                "arching_or_opisthotonus",
            ],
        ),
        ("clinician_reviewed", True),
    ],
)
def test_new_episode_fields_are_accepted(field, value):
    assert _episode(**{field: value})[field] == value


@pytest.mark.parametrize(
    "result",
    [
        {"test": "sodium", "value": 152, "unit": "mmol/L", "age_hours": 80},
        {"test": "bilirubin_total", "value": 18, "unit": "mg/dL", "age_hours": 80},
        {"test": "bilirubin_total", "value": 300, "unit": "umol/L"},
        {
            "test": "video_eeg",
            "interpretation": "electrographic_seizures",
            "captured_event_types": ["rhythmic_clonic_jerks"],
            "age_hours": 20,
        },
        {"test": "eeg", "interpretation": "epileptiform", "captured_typical_event": False},
        {"test": "infection_workup", "interpretation": "normal", "age_hours": 30},
        {"test": "cranial_ultrasound", "interpretation": "abnormal"},
        {"test": "electrolytes"},
        {"test": "bilirubin"},
    ],
)
def test_new_results_and_test_codes_are_accepted(result):
    assert _result(**result)["test"] == result["test"]


@pytest.mark.parametrize(
    ("case", "field", "allowed"),
    [
        (
            {"infant": {"maternal_drug_exposure": "opioids"}},
            "infant.maternal_drug_exposure",
            "opioids",
        ),
        (
            {"infant": {"maternal_drug_exposure": ["heroin"]}},
            "infant.maternal_drug_exposure[0]",
            "methadone_or_buprenorphine",
        ),
        (
            {"infant": {"size_for_gestational_age": ["sga"]}},
            "infant.size_for_gestational_age",
            "lga",
        ),
        ({"infant": {"skin_signs": "port_wine_stain"}}, "infant.skin_signs", "port_wine_stain"),
        ({"infant": {"head": "big"}}, "infant.head", "macrocephaly"),
        ({"infant": {"fontanelle": ["bulging"]}}, "infant.fontanelle", "sunken"),
        ({"infant": {"neuro_exam": ["floppy"]}}, "infant.neuro_exam[0]", "hypotonia"),
        ({"infant": {"neuro_exam": {"tone": "high"}}}, "infant.neuro_exam", "hypertonia"),
        ({"infant": {"family_history": "epilepsy"}}, "infant.family_history", "consanguinity"),
        ({"infant": {"feeding": ["breast"]}}, "infant.feeding", "formula"),
        ({"infant": {"medications": {"drug": "calcium"}}}, "infant.medications", ""),
        (
            {"infant": {"medications": [{"drug": "aspirin"}]}},
            "infant.medications[0].drug",
            "pyridoxine",
        ),
        (
            {"infant": {"medications": [{"response": "better"}]}},
            "infant.medications[0].response",
            "no_change",
        ),
        ({"infant": {"medications": [{"dose": 2}]}}, "infant.medications[0].dose", "response"),
        ({"episodes": [{"temperature_c": "38"}]}, "episodes[0].temperature_c", ""),
        ({"episodes": [{"temperature_c": 101.3}]}, "episodes[0].temperature_c", ""),
        ({"episodes": [{"age_hours": -1}]}, "episodes[0].age_hours", ""),
        ({"episodes": [{"clinician_reviewed": "yes"}]}, "episodes[0].clinician_reviewed", ""),
        (
            {"episodes": [{"movement_type": "cycling"}]},
            "episodes[0].movement_type",
            "pedalling_or_boxing",
        ),
        (
            {"episodes": [{"movement_type": ["fine_tremor"]}]},
            "episodes[0].movement_type",
            "fine_tremor",
        ),
        ({"episodes": [{"associated": "jaundice"}]}, "episodes[0].associated", "jaundice"),
        ({"episodes": [{"state": {"awake": True}}]}, "episodes[0].state", "asleep"),
        (
            {"results": [{"test": "sodium", "value": 140, "unit": "mEq"}]},
            "results[0].unit",
            "mmol/L",
        ),
        ({"results": [{"test": "bilirubin_total", "value": 5}]}, "results[0].unit", "umol/L"),
        (
            {"results": [{"test": "video_eeg", "interpretation": "seizures"}]},
            "results[0].interpretation",
            "electrographic_seizures",
        ),
        (
            {"results": [{"test": "video_eeg", "captured_event_types": "shuddering"}]},
            "results[0].captured_event_types",
            "shuddering",
        ),
        ({"results": [{"test": ["glucose"]}]}, "results[0].test", "infection_workup"),
        (
            {"results": [{"test": "glucose", "value": 2.2, "unit": ["mmol/L"]}]},
            "results[0].unit",
            "mmol/L",
        ),
    ],
)
def test_a_bad_contract_2_value_names_the_field_and_the_allowed_values(case, field, allowed):
    with pytest.raises(CaseError) as caught:
        score(case)
    assert caught.value.field == field
    if allowed:
        assert allowed in caught.value.allowed


def test_validation_never_changes_the_callers_case():
    case = {
        "infant": {
            "maternal_drug_exposure": True,
            "neuro_exam": "abnormal_tone",
            "size_for_gestational_age": "small",
        },
        "episodes": [{"age_hours": 3}],
    }
    before = json.dumps(case, sort_keys=True)
    score(case)
    assert json.dumps(case, sort_keys=True) == before


def test_a_contract_1_case_is_a_contract_2_case():
    case = {
        "infant": {
            "age_days": 10,
            "maternal_drug_exposure": False,
            "neuro_exam": "normal",
            "size_for_gestational_age": "appropriate",
        },
        "episodes": [{"state": "asleep", "movement_type": "myoclonic_jerks"}],
        "results": [{"test": "glucose", "value": 70, "unit": "mg/dL", "age_hours": 200}],
    }
    assert score(case, ruleset="1.0.0")["ruleset"]["version"] == "1.0.0"
    assert score(case, ruleset="2.0.0")["ruleset"]["version"] == "2.0.0"


def test_ruleset_1_0_0_keeps_refusing_contract_2_fields():
    with pytest.raises(CaseError) as caught:
        score({"episodes": [{"age_hours": 3}]}, ruleset="1.0.0")
    assert caught.value.field == "episodes[0].age_hours"


def test_ruleset_1_0_0_refuses_a_list_where_one_code_is_expected_instead_of_crashing():
    with pytest.raises(CaseError) as caught:
        score({"episodes": [{"state": ["asleep"]}]}, ruleset="1.0.0")
    assert caught.value.field == "episodes[0].state"


# Any JSON value in any field: a result or a CaseError, never another exception.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 500)
    | st.floats(allow_nan=True)
    | st.sampled_from([code for vocab in V2.values() for code, _ in vocab][:200])
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["drug", "response", "age_hours", "x"]), children, max_size=3
        )
    ),
    max_leaves=6,
)
INFANT_NAMES = st.sampled_from(
    sorted(
        __import__("assessments.engine.validation", fromlist=["INFANT_FIELDS_2"]).INFANT_FIELDS_2
    )
)
EPISODE_NAMES = st.sampled_from(
    sorted(
        __import__("assessments.engine.validation", fromlist=["EPISODE_FIELDS_2"]).EPISODE_FIELDS_2
    )
)
RESULT_NAMES = st.sampled_from(
    [
        "test",
        "value",
        "unit",
        "age_hours",
        "interpretation",
        "captured_typical_event",
        "captured_event_types",
        "method",
    ]
)
FUZZED = st.fixed_dictionaries(
    {},
    optional={
        "infant": st.dictionaries(INFANT_NAMES, JSON_VALUES, max_size=4),
        "episodes": st.lists(st.dictionaries(EPISODE_NAMES, JSON_VALUES, max_size=5), max_size=2),
        "results": st.lists(
            st.dictionaries(RESULT_NAMES, JSON_VALUES, max_size=4)
            | st.fixed_dictionaries(
                {"test": st.sampled_from(codes(vocabulary.TEST_2))},
                optional={"value": JSON_VALUES, "unit": JSON_VALUES, "interpretation": JSON_VALUES},
            ),
            max_size=2,
        ),
    },
)


@settings(
    max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(FUZZED, st.sampled_from(["1.0.0", "2.0.0"]))
def test_any_json_in_any_field_is_a_result_or_a_case_error(case, version):
    try:
        result = score(case, ruleset=version)
    except CaseError as error:
        assert error.field  # noqa: PT017 -- an error is an answer here too: it must name its field
        return
    assert result["triage"] in ("reassure_monitor", "routine_visit", "same_day", "emergency")


@pytest.mark.parametrize("version", ["1.0.0", "2.0.0"])
def test_score_case_scores_with_the_ruleset_asked_for(tmp_path, capsys, version):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"episodes": [{"state": "asleep"}]}))
    call_command("score_case", str(path), "--ruleset", version)
    assert json.loads(capsys.readouterr().out)["ruleset"]["version"] == version


def test_score_case_reads_a_contract_2_case_with_the_latest_ruleset(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps(
            {
                "infant": {"age_days": 40, "maternal_drug_exposure": []},
                "episodes": [{"age_hours": 950, "temperature_c": 38.4}],
            }
        )
    )
    call_command("score_case", str(path))
    result = json.loads(capsys.readouterr().out)
    assert result["ruleset"]["version"] == "2.0.0"
    assert result["triage"] == "emergency"
