"""Shared pieces of the FHIR tests: a case with results, a small transaction Bundle, and row
counts that show whether an import wrote anything."""

from datetime import timedelta

from django.utils import timezone

from assessments.models import AssessmentTrigger
from assessments.services import assessment_run
from clinics.models import Role
from interop import fhir
from patients.models import AssessmentRequest, Infant
from tests.factories import EpisodeFactory, InfantFactory, staff
from workups.models import CriticalAlert, OrderedTest, Priority, Result, TestOrder
from workups.services import order_create, result_record

COUNTED = (Infant, TestOrder, Result, CriticalAlert, AssessmentRequest)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def case_with_results(clinic=None):
    """An infant (term, 3.2 kg) with an episode, a critical glucose, a normal calcium, an EEG and
    an assessment; returns (infant, pediatrician)."""
    pediatrician = staff(Role.PEDIATRICIAN, clinic)
    infant = InfantFactory(
        clinic=pediatrician.memberships.first().clinic,
        born_at=timezone.now() - timedelta(days=5, hours=3),
        gestational_weeks=39,
        gestational_days=2,
        birth_weight_g=3200,
        given_name="Amélie",
        family_name="Østergaard",
    )
    EpisodeFactory(infant=infant)
    collected = timezone.now() - timedelta(hours=3)
    for test, value, unit in (
        (OrderedTest.GLUCOSE_PLASMA, 1.9, "mmol/L"),
        (OrderedTest.TOTAL_CALCIUM, 9.1, "mg/dL"),
    ):
        order = order_create(
            infant=infant,
            test=test,
            priority=Priority.URGENT,
            ordered_by=pediatrician,
            reason_text="Jittery",
        )
        result_record(
            order=order, recorded_by=pediatrician, collected_at=collected, value=value, unit=unit
        )
    eeg = order_create(
        infant=infant,
        test=OrderedTest.EEG,
        priority=Priority.URGENT,
        ordered_by=pediatrician,
        reason_text="Rhythmic jerks",
    )
    result_record(
        order=eeg,
        recorded_by=pediatrician,
        collected_at=collected,
        study_interpretation="normal",
        captured_typical_event=True,
        report_text="Normal background; the typical event had no EEG correlate.",
    )
    assessment_run(infant=infant, trigger=AssessmentTrigger.CLINICIAN_REQUEST)
    infant.refresh_from_db()
    return infant, pediatrician


def lab_entry(loinc="2345-7", value=45, unit="mg/dL", collected=None, **overrides) -> dict:
    collected = collected or (timezone.now() - timedelta(hours=6))
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": [fhir.concept(fhir.OBSERVATION_CATEGORY, "laboratory")],
        "code": {"coding": [{"system": fhir.LOINC, "code": loinc}]},
        "subject": {"reference": "urn:uuid:7c1a4d1e-0000-4000-8000-000000000001"},
        "effectiveDateTime": collected.isoformat(),
        "valueQuantity": {"value": value, "unit": unit, "system": fhir.UCUM, "code": unit},
        **overrides,
    }
    return {"resource": resource, "request": {"method": "POST", "url": "Observation"}}


def quantity_entry(loinc: str, value, unit: str) -> dict:
    return {
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": fhir.LOINC, "code": loinc}]},
            "valueQuantity": {"value": value, "unit": unit, "system": fhir.UCUM, "code": unit},
        },
        "request": {"method": "POST", "url": "Observation"},
    }


def transaction_bundle(*, mrn="EXT-1001", birth_weight=True, labs=None) -> dict:
    born = timezone.now() - timedelta(days=3)
    patient = {
        "fullUrl": "urn:uuid:7c1a4d1e-0000-4000-8000-000000000001",
        "resource": {
            "resourceType": "Patient",
            "identifier": [{"system": "https://ehr.example/mrn", "value": mrn}],
            "name": [{"family": "Moreau", "given": ["Jules"]}],
            "gender": "male",
            "birthDate": born.date().isoformat(),
            "_birthDate": {
                "extension": [{"url": fhir.BIRTH_TIME_EXTENSION, "valueDateTime": born.isoformat()}]
            },
        },
        "request": {"method": "POST", "url": "Patient"},
    }
    entries = [patient, quantity_entry(fhir.LOINC_GESTATION_ESTIMATED, 36.5, "wk")]
    if birth_weight:
        entries.append(quantity_entry(fhir.LOINC_BIRTH_WEIGHT, 2.45, "kg"))
    entries.extend(labs if labs is not None else [lab_entry()])
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}
