import copy
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import AuditAction, AuditEvent, Role
from interop import fhir
from patients.models import AssessmentRequest, Infant
from tests.factories import ClinicFactory, InfantFactory, caregiver_of, staff
from tests.interop.helpers import case_with_results, lab_entry, row_counts, transaction_bundle
from workups.models import Result

pytestmark = pytest.mark.django_db
IMPORT_URL = "/fhir/Bundle"


def post(client, bundle):
    return client.post(
        reverse("fhir:bundle-import"), bundle, format="json", HTTP_ACCEPT="application/fhir+json"
    )


def test_an_export_imported_into_another_clinic_reproduces_the_infant_and_its_results(
    token_client,
):
    infant, pediatrician = case_with_results()
    exported = (
        token_client(pediatrician)
        .get(reverse("fhir:patient-everything", kwargs={"infant_uuid": infant.uuid}))
        .json()
    )
    receiving = staff(Role.PEDIATRICIAN, ClinicFactory())
    response = post(token_client(receiving), fhir.bundle_as_transaction(exported))
    assert response.status_code == 201, response.json()
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response.json()["type"] == "transaction-response"
    copy_ = Infant.objects.get(clinic=receiving.memberships.get().clinic)
    assert (copy_.mrn, copy_.given_name, copy_.family_name, copy_.sex) == (
        infant.mrn,
        "Amélie",
        "Østergaard",
        infant.sex,
    )
    assert copy_.born_at == infant.born_at
    assert copy_.born_on == infant.born_on
    assert (copy_.gestational_weeks, copy_.gestational_days, copy_.birth_weight_g) == (39, 2, 3200)

    def labs(of):
        return sorted(
            (r.order.test, r.value, r.unit, r.flag, r.collected_at)
            for r in Result.objects.filter(infant=of, value__isnull=False).select_related("order")
        )

    assert labs(copy_) == labs(infant)
    assert {flag for *_, flag, _ in labs(copy_)} == {"critical", "normal"}
    assert AssessmentRequest.objects.filter(infant=copy_).exists(), "re-assessed after commit"
    event = AuditEvent.objects.get(resource="fhir_import")
    assert event.actor == receiving
    assert event.infant_uuid == copy_.uuid
    assert event.action == AuditAction.CREATE
    assert event.detail["results"] == 2


def test_a_bundle_from_another_system_maps_kilograms_and_weeks_and_the_engine_flags_results(
    token_client,
):
    pediatrician = staff(Role.PEDIATRICIAN)
    response = post(token_client(pediatrician), transaction_bundle())
    assert response.status_code == 201, response.json()
    infant = Infant.objects.get(mrn="EXT-1001")
    assert (infant.birth_weight_g, infant.gestational_weeks, infant.gestational_days) == (
        2450,
        36,
        4,
    )
    (result,) = Result.objects.filter(infant=infant)
    assert (result.order.test, result.value, result.unit) == ("glucose_plasma", 45, "mg/dL")
    assert result.flag == "low"
    assert result.interpretation["threshold"]["unit"] == "mg/dL"
    statuses = [e["response"]["status"] for e in response.json()["entry"]]
    assert statuses == ["201 Created", "200 OK", "200 OK", "201 Created"]


def _not_a_bundle(bundle):
    return bundle["entry"][0]["resource"]


def _wrong_type(bundle):
    return {**bundle, "type": "collection"}


def _invalid_resource(bundle):
    bundle["entry"][3]["resource"]["valueQuantity"]["value"] = "forty-five"
    return bundle


def _unknown_loinc(bundle):
    bundle["entry"][3]["resource"]["code"]["coding"][0]["code"] = "99999-9"
    return bundle


def _unknown_unit(bundle):
    bundle["entry"][3]["resource"]["valueQuantity"].update(unit="mg/L", code="mg/L")
    return bundle


def _missing_birth_weight(bundle):
    del bundle["entry"][2]
    return bundle


def _sample_before_birth(bundle):
    # Passes every check of the Bundle itself; the work-ups service refuses it after the infant
    # was written, so the whole import must roll back.
    bundle["entry"][3] = lab_entry(collected=timezone.now() - timedelta(days=30))
    return bundle


@pytest.mark.parametrize(
    ("spoil", "status", "expression", "words"),
    [
        (_not_a_bundle, 400, "Bundle.resourceType", "a Bundle is needed"),
        (_wrong_type, 422, "Bundle.type", "transaction"),
        (_invalid_resource, 400, "Bundle.entry[3].resource.valueQuantity.value", "Decimal"),
        (_unknown_loinc, 422, "Bundle.entry[3].resource.code.coding[0].code", "99999-9"),
        (_unknown_unit, 422, "Bundle.entry[3].resource.valueQuantity.code", "mg/L"),
        (_missing_birth_weight, 422, "Bundle.entry[0].resource", "8339-4"),
        (_sample_before_birth, 422, "Bundle.entry[3].resource.effectiveDateTime", "before birth"),
    ],
)
def test_a_bad_bundle_gets_an_operation_outcome_naming_the_problem_and_nothing_is_imported(
    token_client, spoil, status, expression, words
):
    client = token_client(staff(Role.CLINIC_ADMIN))
    before, audited = row_counts(), AuditEvent.objects.count()
    response = post(client, spoil(copy.deepcopy(transaction_bundle())))
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = response.json()
    assert fhir.validation_problems(outcome, "OperationOutcome") == []
    issue = next(i for i in outcome["issue"] if expression in i.get("expression", []))
    assert issue["severity"] == "error"
    assert words in issue["diagnostics"]
    assert row_counts() == before
    assert AuditEvent.objects.count() == audited


def test_a_medical_record_number_already_in_the_clinic_is_a_409_naming_the_identifier(
    token_client,
):
    pediatrician = staff(Role.PEDIATRICIAN)
    InfantFactory(clinic=pediatrician.memberships.get().clinic, mrn="EXT-1001")
    before = row_counts()
    response = post(token_client(pediatrician), transaction_bundle())
    assert response.status_code == 409
    (issue,) = response.json()["issue"]
    assert issue["code"] == "duplicate"
    assert issue["expression"] == ["Bundle.entry[0].resource.identifier[0].value"]
    assert row_counts() == before


def test_the_same_record_number_in_another_clinic_does_not_block_an_import(token_client):
    InfantFactory(mrn="EXT-1001")
    response = post(token_client(staff(Role.PEDIATRICIAN)), transaction_bundle())
    assert response.status_code == 201


@pytest.mark.parametrize("who", ["nurse", "caregiver", "anonymous"])
def test_only_pediatricians_and_clinic_admins_import(token_client, client, who):
    if who == "nurse":
        client = token_client(staff(Role.NURSE))
    elif who == "caregiver":
        client = token_client(caregiver_of(InfantFactory()))
    before = row_counts()
    response = client.post(IMPORT_URL, transaction_bundle(), content_type="application/fhir+json")
    assert response.status_code in (401, 403)
    assert response.json()["resourceType"] == "OperationOutcome"
    assert row_counts() == before


def test_a_body_that_is_not_json_is_refused_with_an_operation_outcome(token_client):
    response = token_client(staff(Role.PEDIATRICIAN)).post(
        IMPORT_URL, "<Bundle/>", content_type="application/fhir+xml"
    )
    assert response.status_code == 415
    assert response.json()["resourceType"] == "OperationOutcome"


def test_fhir_json_bodies_are_accepted_with_their_own_content_type(token_client):
    response = token_client(staff(Role.PEDIATRICIAN)).post(
        IMPORT_URL, json.dumps(transaction_bundle()), content_type="application/fhir+json"
    )
    assert response.status_code == 201
