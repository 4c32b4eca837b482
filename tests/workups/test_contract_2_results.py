"""Tests the engine's contract 2 adds, and the readings of EEG recordings it adds."""

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Assessment
from tests.factories import InfantFactory, UserFactory, staff
from tests.workups.factories import AssessmentFactory, TestOrderFactory
from workups.models import TEST_CATALOGUE, OrderedTest
from workups.services import order_create, orders_from_assessment, result_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("test", "engine_code", "loinc", "units"),
    [
        (OrderedTest.SODIUM, "sodium", "2951-2", ("mmol/L",)),
        (OrderedTest.BILIRUBIN_TOTAL, "bilirubin_total", "1975-2", ("mg/dL", "umol/L")),
        (OrderedTest.INFECTION_WORKUP, "infection_workup", "", ()),
        (OrderedTest.CRANIAL_ULTRASOUND, "cranial_ultrasound", "", ()),
    ],
)
def test_the_new_tests_map_to_engine_codes_loinc_and_units(test, engine_code, loinc, units):
    spec = TEST_CATALOGUE[test]
    assert (spec.engine_code, spec.loinc, spec.units) == (engine_code, loinc, units)
    order = order_create(
        infant=InfantFactory(),
        test=test,
        priority="urgent",
        ordered_by=UserFactory(),
        reason_text="Lethargic neonate",
    )
    assert order.test == test


def test_the_engines_recommendations_order_the_tests_that_answer_them():
    assessment = AssessmentFactory(
        result={
            "triage": "same_day",
            "recommended_tests": [
                "electrolytes",
                "bilirubin",
                "infection_workup",
                "cranial_ultrasound",
            ],
        }
    )
    orders = orders_from_assessment(assessment=assessment, ordered_by=UserFactory())
    assert sorted(o.test for o in orders) == sorted(
        [
            OrderedTest.SODIUM,
            OrderedTest.BILIRUBIN_TOTAL,
            OrderedTest.INFECTION_WORKUP,
            OrderedTest.CRANIAL_ULTRASOUND,
        ]
    )
    assert Assessment.objects.count() == 1


def test_a_recommendation_the_clinic_cannot_order_is_left_out_not_a_crash():
    assessment = AssessmentFactory(result={"triage": "same_day", "recommended_tests": ["x_ray"]})
    assert orders_from_assessment(assessment=assessment, ordered_by=UserFactory()) == []


def test_a_video_eeg_records_electrographic_seizures_and_the_event_types_it_captured():
    order = TestOrderFactory(test=OrderedTest.VIDEO_EEG)
    result = result_record(
        order=order,
        recorded_by=UserFactory(),
        study_interpretation="electrographic_seizures",
        captured_typical_event=True,
        captured_event_types=["rhythmic_clonic_jerks"],
    )
    result.refresh_from_db()
    assert result.study_interpretation == "electrographic_seizures"
    assert result.captured_event_types == ["rhythmic_clonic_jerks"]


def test_an_unknown_captured_event_type_is_refused_naming_the_field():
    order = TestOrderFactory(test=OrderedTest.EEG)
    with pytest.raises(ValidationError) as refused:
        result_record(
            order=order,
            recorded_by=UserFactory(),
            study_interpretation="normal",
            captured_event_types=["hiccups"],
        )
    assert "captured_event_types" in refused.value.message_dict


def test_an_ultrasound_cannot_read_as_electrographic_seizures():
    order = TestOrderFactory(test=OrderedTest.CRANIAL_ULTRASOUND)
    with pytest.raises(ValidationError) as refused:
        result_record(
            order=order, recorded_by=UserFactory(), study_interpretation="electrographic_seizures"
        )
    assert "study_interpretation" in refused.value.message_dict


def test_the_api_records_captured_event_types_and_names_a_bad_one(token_client):
    doctor = staff()
    infant = InfantFactory(clinic=doctor.memberships.get().clinic)
    order = TestOrderFactory(test=OrderedTest.VIDEO_EEG, infant=infant)
    client = token_client(doctor)
    bad = client.post(
        f"/api/v1/orders/{order.uuid}/result/",
        {"study_interpretation": "normal", "captured_event_types": ["hiccups"]},
        format="json",
    )
    assert bad.status_code == 400
    assert "captured_event_types" in bad.json()
    good = client.post(
        f"/api/v1/orders/{order.uuid}/result/",
        {
            "study_interpretation": "normal",
            "captured_typical_event": True,
            "captured_event_types": ["myoclonic_jerks"],
        },
        format="json",
    )
    assert good.status_code == 201, good.json()
    assert good.json()["captured_event_types"] == ["myoclonic_jerks"]
