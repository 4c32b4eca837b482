"""Glucose and calcium read through the result service at the boundaries of
CLINICAL_CRITERIA.md section 4, for the infant's age at collection, gestation and weight."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.cases import results_section
from assessments.models import Assessment, AssessmentTrigger
from tests.factories import InfantFactory
from tests.workups.factories import TestOrderFactory
from workups.models import CriticalAlert, OrderedTest, OrderStatus
from workups.services import result_record

pytestmark = pytest.mark.django_db


def _record(team, test, value, unit, *, hours=30.0, infant=None, **infant_fields):
    infant = infant or InfantFactory(
        clinic=team.clinic, born_at=timezone.now() - timedelta(days=10), **infant_fields
    )
    order = TestOrderFactory(infant=infant, test=test, ordered_by=team.pediatrician)
    return result_record(
        order=order,
        recorded_by=team.nurse,
        value=value,
        unit=unit,
        collected_at=infant.born_at + timedelta(hours=hours),
    )


# (value, unit, age in hours at collection, expected flag). Critical below 40 mg/dL (2.2 mmol/L)
# at any age; PES goal: low at or below 50 mg/dL (2.8) before 48 h, 60 mg/dL (3.3) from 48 h.
GLUCOSE = [
    (39.9, "mg/dL", 2, "critical"),
    (40, "mg/dL", 2, "low"),
    (50, "mg/dL", 47.9, "low"),
    (51, "mg/dL", 47.9, "normal"),
    (55, "mg/dL", 47.9, "normal"),
    (55, "mg/dL", 48, "low"),
    (60, "mg/dL", 72, "low"),
    (61, "mg/dL", 72, "normal"),
    (39.9, "mg/dL", 200, "critical"),
    # Ruleset 2.0.0 converts before comparing (invariant I3): 2.2 mmol/L is 39.6 mg/dL, below
    # 40; 2.8 mmol/L is 50.4 mg/dL, above the goal of 50.
    (2.19, "mmol/L", 10, "critical"),
    (2.2, "mmol/L", 10, "critical"),
    (2.23, "mmol/L", 10, "low"),
    (2.77, "mmol/L", 10, "low"),
    (2.8, "mmol/L", 10, "normal"),
    (2.9, "mmol/L", 10, "normal"),
    (2.9, "mmol/L", 48, "low"),
    (3.3, "mmol/L", 60, "low"),
    (3.4, "mmol/L", 60, "normal"),
]


@pytest.mark.parametrize(("value", "unit", "hours", "flag"), GLUCOSE)
@pytest.mark.parametrize("test", [OrderedTest.GLUCOSE_PLASMA, OrderedTest.GLUCOSE_POINT_OF_CARE])
def test_glucose_is_read_for_the_age_at_collection(team, test, value, unit, hours, flag):
    result = _record(team, test, value, unit, hours=hours)
    assert result.flag == flag
    assert result.age_hours_at_collection == pytest.approx(hours)
    assert result.order.status == OrderStatus.RESULTED


def test_glucose_is_normalised_to_mg_per_dl(team):
    result = _record(team, OrderedTest.GLUCOSE_PLASMA, 2.5, "mmol/L")
    assert (result.value, result.unit) == (2.5, "mmol/L")
    assert result.normalised_value == pytest.approx(45.0)
    assert result.normalised_unit == "mg/dL"
    assert result.interpretation["source"]


TERM = {"gestational_weeks": 39, "gestational_days": 0, "birth_weight_g": 3300}
PRETERM = {"gestational_weeks": 36, "gestational_days": 6, "birth_weight_g": 2600}
VLBW_TERM = {"gestational_weeks": 38, "gestational_days": 0, "birth_weight_g": 1499}
AT_1500_G = {"gestational_weeks": 38, "gestational_days": 0, "birth_weight_g": 1500}
# Total calcium: low below 8.0 mg/dL (2.0 mmol/L) at term; below 7.0 (1.75) when preterm or VLBW.
# Ionized calcium: low below 4.4 mg/dL (1.10 mmol/L) at 1500 g or more; below 4.0 (1.0) under it.
CALCIUM = [
    (OrderedTest.TOTAL_CALCIUM, 7.99, "mg/dL", TERM, "low"),
    (OrderedTest.TOTAL_CALCIUM, 8.0, "mg/dL", TERM, "normal"),
    (OrderedTest.TOTAL_CALCIUM, 1.99, "mmol/L", TERM, "low"),
    (OrderedTest.TOTAL_CALCIUM, 2.0, "mmol/L", TERM, "normal"),
    (OrderedTest.TOTAL_CALCIUM, 7.5, "mg/dL", TERM, "low"),
    (OrderedTest.TOTAL_CALCIUM, 7.5, "mg/dL", PRETERM, "normal"),
    (OrderedTest.TOTAL_CALCIUM, 6.99, "mg/dL", PRETERM, "low"),
    (OrderedTest.TOTAL_CALCIUM, 7.0, "mg/dL", PRETERM, "normal"),
    (OrderedTest.TOTAL_CALCIUM, 1.74, "mmol/L", PRETERM, "low"),
    (OrderedTest.TOTAL_CALCIUM, 1.75, "mmol/L", PRETERM, "normal"),
    (OrderedTest.TOTAL_CALCIUM, 7.5, "mg/dL", VLBW_TERM, "normal"),
    (OrderedTest.TOTAL_CALCIUM, 7.5, "mg/dL", AT_1500_G, "low"),
    (OrderedTest.IONIZED_CALCIUM, 4.39, "mg/dL", TERM, "low"),
    (OrderedTest.IONIZED_CALCIUM, 4.4, "mg/dL", TERM, "normal"),
    (OrderedTest.IONIZED_CALCIUM, 1.09, "mmol/L", AT_1500_G, "low"),
    (OrderedTest.IONIZED_CALCIUM, 1.10, "mmol/L", AT_1500_G, "normal"),
    (OrderedTest.IONIZED_CALCIUM, 4.2, "mg/dL", VLBW_TERM, "normal"),
    (OrderedTest.IONIZED_CALCIUM, 3.99, "mg/dL", VLBW_TERM, "low"),
    (OrderedTest.IONIZED_CALCIUM, 0.99, "mmol/L", VLBW_TERM, "low"),
    (OrderedTest.IONIZED_CALCIUM, 1.0, "mmol/L", VLBW_TERM, "normal"),
]


@pytest.mark.parametrize(("test", "value", "unit", "infant_fields", "flag"), CALCIUM)
def test_calcium_is_read_for_gestation_and_birth_weight(
    team, test, value, unit, infant_fields, flag
):
    assert _record(team, test, value, unit, **infant_fields).flag == flag


def test_an_unknown_unit_is_refused_naming_the_unit_and_the_allowed_units(team):
    with pytest.raises(ValidationError) as error:
        _record(team, OrderedTest.GLUCOSE_PLASMA, 40, "mg/L")
    message = " ".join(error.value.message_dict["unit"])
    assert "mg/dL" in message
    assert "mmol/L" in message


def test_a_study_records_its_interpretation_and_feeds_the_engine(team):
    order = TestOrderFactory(
        infant=team.infant, test=OrderedTest.VIDEO_EEG, ordered_by=team.pediatrician
    )
    result_record(
        order=order,
        recorded_by=team.pediatrician,
        study_interpretation="normal",
        captured_typical_event=True,
        report_text="Typical event captured; no EEG correlate.",
    )
    order.refresh_from_db()
    assert [e.to_status for e in order.events.all()] == ["performed", "resulted"]
    (entry,) = results_section(team.infant)
    assert entry["test"] == "video_eeg"
    assert entry["interpretation"] == "normal"
    assert entry["captured_typical_event"] is True


def test_results_are_given_to_the_engine_in_its_case_format(team):
    _record(team, OrderedTest.GLUCOSE_POINT_OF_CARE, 35, "mg/dL", hours=2, infant=team.infant)
    (entry,) = results_section(team.infant)
    assert {k: entry[k] for k in ("test", "value", "unit", "method")} == {
        "test": "glucose",
        "value": 35,
        "unit": "mg/dL",
        "method": "point_of_care",
    }
    from assessments.engine.validation import validate_case  # the engine's own check

    validate_case({"infant": None, "results": [entry]})


def test_a_critical_result_raises_an_alert_for_the_ordering_pediatrician(team):
    result = _record(team, OrderedTest.GLUCOSE_PLASMA, 30, "mg/dL")
    alert = CriticalAlert.objects.get(result=result)
    assert alert.recipient == team.pediatrician
    assert alert.acknowledged_at is None


def test_a_second_result_for_the_same_order_is_refused(team):
    result = _record(team, OrderedTest.MAGNESIUM, 1.8, "mg/dL")
    with pytest.raises(ValidationError):
        result_record(order=result.order, recorded_by=team.nurse, value=1.9, unit="mg/dL")


def test_recording_a_result_has_the_infant_reassessed_after_commit(
    team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _record(team, OrderedTest.GLUCOSE_PLASMA, 30, "mg/dL", infant=team.infant)
    assessment = Assessment.objects.for_infant(team.infant).latest_first().first()
    assert assessment is not None
    assert assessment.trigger == AssessmentTrigger.NEW_RESULT
    (entry,) = assessment.input_case["results"]
    assert entry["value"] == 30


@pytest.mark.parametrize("offset", [timedelta(hours=-1), timedelta(days=11)])
def test_a_sample_cannot_be_taken_before_birth_or_in_the_future(team, offset):
    order = TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician)
    with pytest.raises(ValidationError) as error:
        result_record(
            order=order,
            recorded_by=team.nurse,
            value=60,
            unit="mg/dL",
            collected_at=team.infant.born_at + offset,
        )
    assert "collected_at" in error.value.message_dict
