import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from clinics.models import AuditAction, AuditEvent, Membership, Role
from interop import fhir
from patients.models import Infant
from tests.factories import ClinicFactory, InfantFactory, caregiver_of, staff
from tests.interop.helpers import case_with_results

pytestmark = pytest.mark.django_db


def everything_url(infant) -> str:
    return reverse("fhir:patient-everything", kwargs={"infant_uuid": infant.uuid})


def problems_of(bundle: dict) -> list:
    problems = fhir.validation_problems(bundle, "Bundle")
    for index, entry in enumerate(bundle["entry"]):
        problems += fhir.validation_problems(entry["resource"], f"Bundle.entry[{index}].resource")
    return problems


def by_type(bundle: dict, resource_type: str) -> list[dict]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ]


def test_every_demo_infants_bundle_and_each_entry_validate_with_the_r4b_models(
    token_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    seen_types = set()
    infants = list(Infant.objects.select_related("clinic"))
    assert len({infant.clinic_id for infant in infants}) == 2
    clients = {}
    for infant in infants:
        if infant.clinic_id not in clients:
            nurse = Membership.objects.filter(clinic=infant.clinic, role=Role.NURSE).first()
            clients[infant.clinic_id] = token_client(nurse.user)
        response = clients[infant.clinic_id].get(everything_url(infant))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/fhir+json")
        bundle = response.json()
        assert problems_of(bundle) == [], infant
        assert bundle["entry"][0]["resource"]["resourceType"] in ("Organization", "Patient")
        seen_types |= {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {
        "Patient",
        "RelatedPerson",
        "Observation",
        "ServiceRequest",
        "RiskAssessment",
        "Media",
        "Appointment",
        "Task",
    } <= seen_types


def test_the_bundle_refers_between_its_entries_by_urn_uuid_and_only_to_them(token_client):
    infant, pediatrician = case_with_results()
    bundle = token_client(pediatrician).get(everything_url(infant)).json()
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert all(url.startswith("urn:uuid:") for url in full_urls)

    def references(node):
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                yield node["reference"]
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    found = set(references(bundle["entry"]))
    assert found
    assert found <= full_urls


def test_the_patient_carries_the_clinic_scoped_mrn_birth_time_and_gender(token_client):
    infant, pediatrician = case_with_results()
    bundle = token_client(pediatrician).get(everything_url(infant)).json()
    (patient,) = by_type(bundle, "Patient")
    assert patient["identifier"][0] == {
        "use": "usual",
        "type": fhir.concept(fhir.IDENTIFIER_TYPE, "MR", "Medical record number"),
        "system": fhir.mrn_system(infant.clinic.slug),
        "value": infant.mrn,
    }
    assert patient["gender"] == "female"
    assert patient["birthDate"] == infant.born_on.isoformat()
    (birth_time,) = patient["_birthDate"]["extension"]
    assert birth_time["url"] == fhir.BIRTH_TIME_EXTENSION
    assert birth_time["valueDateTime"] == infant.born_at.isoformat()
    codes = {o["code"]["coding"][0]["code"]: o for o in by_type(bundle, "Observation")}
    assert codes[fhir.LOINC_BIRTH_WEIGHT]["valueQuantity"]["value"] == 3200
    assert codes[fhir.LOINC_GESTATION_AT_BIRTH]["valueQuantity"]["value"] == 39 * 7 + 2


def test_lab_results_carry_loinc_ucum_the_engines_reference_range_and_flags(token_client):
    infant, pediatrician = case_with_results()
    bundle = token_client(pediatrician).get(everything_url(infant)).json()
    labs = {
        o["code"]["coding"][0]["code"]: o
        for o in by_type(bundle, "Observation")
        if o["category"][0]["coding"][0]["code"] == "laboratory"
    }
    glucose, calcium = labs["2345-7"], labs["17861-6"]
    assert glucose["code"]["coding"][0]["system"] == fhir.LOINC
    assert glucose["valueQuantity"] == {
        "value": 1.9,
        "unit": "mmol/L",
        "system": fhir.UCUM,
        "code": "mmol/L",
    }
    assert glucose["interpretation"][0]["coding"][0] == {
        "system": fhir.INTERPRETATION,
        "code": "LL",
        "display": "Critical low",
    }
    assert glucose["referenceRange"][0]["low"]["unit"] == "mmol/L"
    assert "critical below 2.2 mmol/L" in glucose["referenceRange"][0]["text"]
    assert calcium["interpretation"][0]["coding"][0]["code"] == "N"
    assert calcium["referenceRange"][0]["low"]["value"] == 8.0
    orders = {o["id"]: o for o in by_type(bundle, "ServiceRequest")}
    assert glucose["basedOn"][0]["reference"].removeprefix("urn:uuid:") in orders


def test_studies_are_diagnostic_reports_and_assessments_risk_assessments(token_client):
    infant, pediatrician = case_with_results()
    bundle = token_client(pediatrician).get(everything_url(infant)).json()
    (report,) = by_type(bundle, "DiagnosticReport")
    assert report["conclusion"].startswith("Normal background")
    assert report["conclusionCode"][0]["coding"][0]["code"] == "normal"
    assert report["category"][0]["coding"][0]["code"] == "EN"
    (risk,) = by_type(bundle, "RiskAssessment")
    assessment = infant.assessments.get()
    assert risk["method"]["coding"][0]["code"] == assessment.ruleset_version
    assert risk["extension"][0]["valueString"] == assessment.ruleset_digest
    first = assessment.result["differential"][0]
    assert risk["prediction"][0]["outcome"]["coding"][0]["code"] == first["cause"]
    assert "probabilityDecimal" not in risk["prediction"][0], "a score is not a probability"
    support = risk["prediction"][0]["qualitativeRisk"]["coding"][0]
    assert support["system"].endswith("/support")
    assert support["code"] == first.get("support") or support["code"] in ("strong", "moderate")
    (triage,) = [e for e in risk["extension"] if e["url"].endswith("/triage")]
    assert triage["valueCodeableConcept"]["coding"][0]["code"] == assessment.triage
    assert risk["basis"]
    (episode,) = [
        o
        for o in by_type(bundle, "Observation")
        if o["category"][0]["coding"][0]["code"] == "survey"
    ]
    features = {c["code"]["coding"][0]["code"]: c for c in episode["component"]}
    assert features["movement_type"]["code"]["coding"][0]["system"] == fhir.EPISODE_FEATURE_SYSTEM
    assert features["movement_type"]["valueCodeableConcept"]["coding"][0]["code"] == "fine_tremor"


def test_an_export_is_audited_as_an_export(token_client):
    infant, pediatrician = case_with_results()
    token_client(pediatrician).get(everything_url(infant))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, infant_uuid=infant.uuid)
    assert event.actor == pediatrician
    assert event.resource == "fhir_bundle"
    assert event.channel == "api"


def test_another_clinics_infant_is_404_and_caregivers_are_refused(token_client):
    infant = InfantFactory()
    outsider = staff(Role.CLINIC_ADMIN, ClinicFactory())
    response = token_client(outsider).get(everything_url(infant))
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    assert token_client(caregiver_of(infant)).get(everything_url(infant)).status_code == 403
    assert (
        token_client(caregiver_of(InfantFactory())).get(everything_url(infant)).status_code == 404
    )
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize(
    ("headers", "query", "expected"),
    [
        ({}, "", 200),
        ({"HTTP_ACCEPT": "application/fhir+json"}, "", 200),
        ({"HTTP_ACCEPT": "application/json"}, "", 200),
        ({"HTTP_ACCEPT": "application/xml"}, "", 406),
        ({"HTTP_ACCEPT": "application/xml"}, "?_format=json", 200),
        ({}, "?_format=application/fhir%2Bjson", 200),
        ({}, "?_format=xml", 406),
    ],
)
def test_fhir_json_is_negotiated_and_anything_else_is_406(token_client, headers, query, expected):
    infant = InfantFactory()
    user = staff(Role.NURSE, infant.clinic)
    response = token_client(user).get(everything_url(infant) + query, **headers)
    assert response.status_code == expected
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == ("Bundle" if expected == 200 else "OperationOutcome")


def test_the_capability_statement_is_valid_and_names_everything_and_transaction(token_client):
    response = token_client(staff(Role.NURSE)).get(reverse("fhir:metadata"))
    assert response.status_code == 200
    statement = response.json()
    assert fhir.validation_problems(statement, "CapabilityStatement") == []
    assert statement["fhirVersion"] == "4.0.1"
    (patient,) = [r for r in statement["rest"][0]["resource"] if r["type"] == "Patient"]
    assert patient["operation"][0]["name"] == "everything"
    assert statement["rest"][0]["interaction"] == [{"code": "transaction"}]
