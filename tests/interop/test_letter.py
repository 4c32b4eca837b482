import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clinics.models import AuditAction, AuditEvent, Role
from tests.factories import ClinicFactory, InfantFactory, caregiver_of, staff
from tests.interop.helpers import case_with_results

pytestmark = pytest.mark.django_db


def letter_url(infant) -> str:
    return reverse("fhir:referral-letter", kwargs={"infant_uuid": infant.uuid})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_referral_letter_is_a_pdf_with_the_infant_triage_rules_results_and_orders(
    token_client,
):
    infant, pediatrician = case_with_results()
    assessment = infant.assessments.get()
    response = token_client(pediatrician).get(letter_url(infant), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Amélie Østergaard" in text
    assert infant.mrn in text
    assert f"Triage: {assessment.get_triage_display()}" in text
    for rule in assessment.triage_rules:
        assert rule in text
    assert "[CRITICAL]" in text
    assert "1.9 mmol/L" in text
    assert "EEG" in text
    assert "Plasma glucose (laboratory) (Urgent)" in text


def test_a_browser_session_with_a_verified_second_factor_gets_the_letter(verified_client):
    infant, _ = case_with_results()
    client = verified_client(staff(Role.NURSE, infant.clinic))
    response = client.get(letter_url(infant))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_letter_is_audited_as_an_export(token_client):
    infant, pediatrician = case_with_results()
    token_client(pediatrician).get(letter_url(infant))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, resource="referral_letter")
    assert event.actor == pediatrician
    assert event.infant_uuid == infant.uuid


def test_another_clinic_gets_404_and_caregivers_are_refused_the_letter(token_client):
    infant = InfantFactory()
    outsider = token_client(staff(Role.PEDIATRICIAN, ClinicFactory()))
    response = outsider.get(letter_url(infant))
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    assert token_client(caregiver_of(infant)).get(letter_url(infant)).status_code == 403
    assert not AuditEvent.objects.filter(resource="referral_letter").exists()


def test_the_case_page_links_to_the_letter_and_the_fhir_export(verified_client):
    infant = InfantFactory()
    client = verified_client(staff(Role.PEDIATRICIAN, infant.clinic))
    page = client.get(reverse("dashboard:case", kwargs={"infant_uuid": infant.uuid}))
    assert letter_url(infant) in page.content.decode()
    export = reverse("fhir:patient-everything", kwargs={"infant_uuid": infant.uuid})
    assert export in page.content.decode()
    response = client.get(export + "?_format=json")
    assert response.status_code == 200
    assert response.json()["resourceType"] == "Bundle"


@pytest.mark.parametrize(
    ("given", "family"),
    [("Анастасия", "Кузнецова"), ("Nguyễn Thị", "Ánh Tuyết"), ("Ζωή", "Παπαδοπούλου")],
)
def test_the_letter_prints_any_name_as_written(token_client, given, family):
    infant = InfantFactory(given_name=given, family_name=family)
    pediatrician = staff(Role.PEDIATRICIAN, infant.clinic)
    response = token_client(pediatrician).get(letter_url(infant))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert f"{given} {family}" in text
    assert "?" not in text.split("MRN")[0], "nothing is replaced by question marks"
