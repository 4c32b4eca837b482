from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, AssessmentReview, Cause, Triage, TriageAlert
from clinics.models import AuditEvent, Role
from tests.assessments.test_workflow import EMERGENCY_PATTERN, log
from tests.factories import InfantFactory, caregiver_of, sign_in_verified, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(db, django_capture_on_commit_callbacks):
    infant = InfantFactory(born_at=timezone.now() - timedelta(days=12))
    parent = caregiver_of(infant)
    doctor = staff(Role.PEDIATRICIAN, clinic=infant.clinic)
    with django_capture_on_commit_callbacks(execute=True):
        log(infant, parent, EMERGENCY_PATTERN)
    return {
        "infant": infant,
        "parent": parent,
        "doctor": doctor,
        "assessment": Assessment.objects.get(infant=infant),
    }


def url_list(infant):
    return reverse("api:infant-assessments", kwargs={"infant_uuid": infant.uuid})


def test_staff_see_the_full_explained_result(token_client, assessed):
    response = token_client(assessed["doctor"]).get(url_list(assessed["infant"]))
    assert response.status_code == 200
    (row,) = response.json()
    assert row["triage"] == "emergency"
    assert row["result"]["differential"]
    assert row["input_case"]["episodes"]
    assert row["ruleset_version"]
    assert len(row["ruleset_digest"]) == 64


def test_caregivers_see_triage_and_advice_only(token_client, assessed):
    response = token_client(assessed["parent"]).get(url_list(assessed["infant"]))
    assert response.status_code == 200
    (row,) = response.json()
    assert set(row) == {"id", "created_at", "triage", "caregiver_advice"}


def test_another_family_gets_404(token_client, assessed):
    stranger = caregiver_of(InfantFactory())
    assert token_client(stranger).get(url_list(assessed["infant"])).status_code == 404


def test_reading_assessments_is_audited(token_client, assessed):
    token_client(assessed["doctor"]).get(url_list(assessed["infant"]))
    assert AuditEvent.objects.filter(
        resource="assessment", action="list", infant_uuid=assessed["infant"].uuid
    ).exists()


def test_preview_scores_without_storing(token_client, assessed):
    case = assessed["assessment"].input_case
    response = token_client(assessed["doctor"]).post(
        reverse("api:assessment-preview"), {"case": case}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["triage"] == "emergency"
    assert Assessment.objects.count() == 1


def test_preview_names_the_bad_field(token_client, assessed):
    response = token_client(assessed["doctor"]).post(
        reverse("api:assessment-preview"),
        {"case": {"episodes": [{"state": "dancing"}]}},
        format="json",
    )
    assert response.status_code == 400
    (field,) = response.json()
    assert field == "case.episodes[0].state"
    assert "asleep" in response.json()[field][0]


def test_caregivers_cannot_preview(token_client, assessed):
    response = token_client(assessed["parent"]).post(
        reverse("api:assessment-preview"), {"case": {}}, format="json"
    )
    assert response.status_code == 403


def test_override_without_reason_is_refused_naming_the_field(token_client, assessed):
    response = token_client(assessed["doctor"]).post(
        reverse("api:assessment-review", kwargs={"assessment_uuid": assessed["assessment"].uuid}),
        {"decision": "override", "triage": "routine_visit"},
        format="json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    assert not AssessmentReview.objects.exists()


def test_nurse_cannot_review(token_client, assessed):
    nurse = staff(Role.NURSE, clinic=assessed["infant"].clinic)
    response = token_client(nurse).post(
        reverse("api:assessment-review", kwargs={"assessment_uuid": assessed["assessment"].uuid}),
        {"decision": "agree"},
        format="json",
    )
    assert response.status_code == 403


def test_alert_list_and_acknowledge(token_client, assessed):
    client = token_client(assessed["doctor"])
    (alert,) = client.get(reverse("api:triage-alerts")).json()["results"]
    response = client.post(
        reverse("api:triage-alert-acknowledge", kwargs={"alert_uuid": alert["id"]})
    )
    assert response.status_code == 200
    assert response.json()["acknowledged_at"]
    assert client.get(reverse("api:triage-alerts")).json()["results"] == []


def test_assessment_page_explains_the_conclusion(client, assessed):
    sign_in_verified(client, assessed["doctor"])
    assessment = assessed["assessment"]
    html = client.get(
        reverse("assessments:detail", args=[assessed["infant"].uuid, assessment.uuid])
    ).content.decode()
    assert "Emergency" in html
    for rule in assessment.triage_rules:
        assert rule in html
    leading = dict(Cause.choices)[assessment.result["differential"][0]["cause"]]
    assert leading in html
    assert assessment.ruleset_version in html


def test_pediatrician_records_an_agreement_on_the_page(client, assessed):
    sign_in_verified(client, assessed["doctor"])
    assessment = assessed["assessment"]
    url = reverse("assessments:detail", args=[assessed["infant"].uuid, assessment.uuid])
    response = client.post(url, {"decision": "agree", "reason": ""})
    assert response.status_code == 302
    assert AssessmentReview.objects.get().decision == "agree"
    assert TriageAlert.objects.get().acknowledged_at is not None


def test_page_override_without_reason_shows_a_form_error(client, assessed):
    sign_in_verified(client, assessed["doctor"])
    assessment = assessed["assessment"]
    url = reverse("assessments:detail", args=[assessed["infant"].uuid, assessment.uuid])
    response = client.post(url, {"decision": "override", "triage": Triage.ROUTINE_VISIT})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    assert not AssessmentReview.objects.exists()


def test_history_page_lists_assessments_newest_first(client, assessed):
    sign_in_verified(client, assessed["doctor"])
    html = client.get(reverse("assessments:list", args=[assessed["infant"].uuid])).content.decode()
    assert "Emergency" in html


def test_infant_page_shows_the_current_triage_with_a_text_label(client, assessed):
    sign_in_verified(client, assessed["doctor"])
    html = client.get(
        reverse("patients:infant-detail", kwargs={"infant_id": assessed["infant"].uuid})
    ).content.decode()
    assert 'class="badge triage-emergency">Emergency<' in html
    assert reverse("assessments:list", args=[assessed["infant"].uuid]) in html
