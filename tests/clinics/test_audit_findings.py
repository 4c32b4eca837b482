"""The audit trail against the outside attack of issue 13 (findings 5, 7, 8, 12 and 13): list
reads are filed under the infants they showed, rows keep who the actor was, the address is the
trusted one, the caregiver's view shows only their clinic's staff, probes by body, query or
header ids are written, and refusals cannot bury the real reads."""

import base64
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import AuditAction, AuditEvent, DeniedAccessTally, Role
from tests.factories import (
    EpisodeFactory,
    InfantFactory,
    caregiver_of,
    sign_in_verified,
    staff,
)

pytestmark = pytest.mark.django_db


def _trail(infant):
    return AuditEvent.objects.for_infant(infant.uuid)


def _history_url(infant):
    return reverse("patients:child-access-history", kwargs={"infant_id": infant.uuid})


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/infants/",
        "/api/v1/episodes/",
        "/api/v1/orders/",
        "/api/v1/results/",
        "/api/v1/critical-alerts/",
        "/api/v1/triage-alerts/",
        "/api/v1/referrals/",
        "/api/v1/appointments/",
        "/api/v1/follow-ups/",
    ],
)
def test_a_list_endpoint_files_its_read_under_every_infant_it_showed(token_client, url):
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    _world_rows(infant)
    response = token_client(nurse).get(url)
    assert response.status_code == 200
    row = AuditEvent.objects.get(action=AuditAction.LIST, actor=nurse)
    assert row.infant_uuids == [infant.uuid]
    assert _trail(infant).filter(pk=row.pk).exists()


def _world_rows(infant):
    """An episode, an assessment with its triage alert, and one of each work-up row."""
    from assessments.models import AssessmentTrigger, Triage, TriageAlert
    from assessments.services import assessment_run
    from tests.workups.factories import (
        AppointmentFactory,
        FollowUpFactory,
        ReferralFactory,
        TestOrderFactory,
    )
    from workups.services import result_record

    doctor = staff(Role.PEDIATRICIAN, infant.clinic)
    EpisodeFactory(infant=infant, reported_by=doctor)
    order = TestOrderFactory(infant=infant, ordered_by=doctor)
    result_record(order=order, recorded_by=doctor, value=20, unit="mg/dL")
    assessment = assessment_run(infant=infant, trigger=AssessmentTrigger.CLINICIAN_REQUEST)
    TriageAlert.objects.get_or_create(
        assessment=assessment, defaults={"infant": infant, "triage": Triage.EMERGENCY}
    )
    referral = ReferralFactory(infant=infant, created_by=doctor)
    AppointmentFactory(referral=referral)
    FollowUpFactory(infant=infant)


def test_the_dashboard_list_shows_in_the_caregivers_view_and_the_admins_history(client):
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    admin = staff(Role.CLINIC_ADMIN, infant.clinic)
    _world_rows(infant)  # an open concern: the dashboard lists it
    sign_in_verified(client, nurse)
    assert client.get(reverse("dashboard:index")).status_code == 200
    listed = AuditEvent.objects.get(actor=nurse, resource="dashboard")
    assert listed.infant_uuids == [infant.uuid]

    sign_in_verified(client, caregiver_of(infant))
    page = client.get(_history_url(infant))
    assert listed in page.context["events"]
    assert str(nurse) in page.content.decode()

    sign_in_verified(client, admin)
    page = client.get(reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid}))
    assert listed in page.context["access_history"]


def test_the_audit_address_is_never_what_the_client_wrote(client, settings):
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    sign_in_verified(client, nurse)
    url = reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid})
    client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.5")
    assert AuditEvent.objects.filter(actor=nurse).latest("id").client_address == "10.0.0.5"
    # Behind one trusted proxy: the hop it appended, not the client-written left of it.
    settings.TRUSTED_PROXY_COUNT = 1
    client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    assert AuditEvent.objects.filter(actor=nurse).latest("id").client_address == "198.51.100.7"
    client.get(url, HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="10.0.0.1")
    assert AuditEvent.objects.filter(actor=nurse).latest("id").client_address is None


def test_the_caregivers_view_shows_staff_by_role_and_name_without_addresses_or_probes(client):
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    nurse.full_name = "Noor Nurse"
    nurse.save()
    prober = staff(Role.PEDIATRICIAN)
    prober.full_name = "Pascal Prober"
    prober.save()
    detail = reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid})
    sign_in_verified(client, nurse)
    client.get(detail, REMOTE_ADDR="192.0.2.44")
    sign_in_verified(client, prober)
    assert client.get(detail, REMOTE_ADDR="198.51.100.99").status_code == 404
    assert _trail(infant).filter(action=AuditAction.DENIED, actor=prober).exists()

    sign_in_verified(client, caregiver_of(infant))
    html = client.get(_history_url(infant)).content.decode()
    assert "Noor Nurse" in html
    assert "nurse" in html
    assert "Pascal Prober" not in html
    assert "192.0.2.44" not in html
    assert "198.51.100.99" not in html
    assert "127.0.0.1" not in html


def test_renaming_an_account_does_not_rewrite_its_past_audit_entries(client):
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    nurse.full_name = "Nadia Before"
    nurse.save()
    sign_in_verified(client, nurse)
    client.get(reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid}))
    nurse.full_name = "Nadia After"
    nurse.save()
    nurse.memberships.update(role=Role.PEDIATRICIAN)
    nurse.memberships.get().clinic.__class__.objects.filter(pk=infant.clinic_id).update(
        name="Renamed Clinic"
    )
    row = AuditEvent.objects.filter(actor=nurse).latest("id")
    assert (row.actor_name, row.actor_role) == ("Nadia Before", "nurse")
    assert row.actor_clinic_name != "Renamed Clinic"

    sign_in_verified(client, caregiver_of(infant))
    html = client.get(_history_url(infant)).content.decode()
    assert "Nadia Before" in html
    assert "Nadia After" not in html
    sign_in_verified(client, staff(Role.CLINIC_ADMIN, infant.clinic))
    html = client.get(
        reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid})
    ).content.decode()
    assert "Nadia Before" in html
    assert "Nadia After" not in html


def test_an_infant_id_probed_in_a_body_leaves_one_denied_row(token_client):
    foreign = InfantFactory()
    prober = staff(Role.PEDIATRICIAN)
    response = token_client(prober).post(
        "/api/v1/episodes/", {"infant": str(foreign.uuid), "started_at": "2026-11-30T10:00:00Z"}
    )
    assert response.status_code == 404
    row = AuditEvent.objects.get(action=AuditAction.DENIED, actor=prober)
    assert row.infant_uuid == foreign.uuid
    assert row.detail["probed"] == [{"in": "body", "name": "infant", "id": str(foreign.uuid)}]


def test_an_infant_id_probed_in_a_query_string_is_refused_and_leaves_one_denied_row(
    token_client,
):
    foreign = InfantFactory()
    prober = staff(Role.NURSE)
    response = token_client(prober).get("/api/v1/episodes/", {"infant": str(foreign.uuid)})
    assert response.status_code == 404
    row = AuditEvent.objects.get(action=AuditAction.DENIED, actor=prober)
    assert row.infant_uuid == foreign.uuid
    assert row.detail["probed"][0]["in"] == "query"


def test_an_own_infant_with_no_episodes_is_an_empty_list_not_a_refusal(token_client):
    infant = InfantFactory()
    response = token_client(staff(Role.NURSE, infant.clinic)).get(
        "/api/v1/episodes/", {"infant": str(infant.uuid)}
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert not AuditEvent.objects.filter(action=AuditAction.DENIED).exists()


def test_an_episode_id_probed_in_the_upload_metadata_header_leaves_one_denied_row(
    token_client,
):
    episode = EpisodeFactory()
    prober = caregiver_of(InfantFactory())
    encoded = base64.b64encode(str(episode.uuid).encode()).decode()
    response = token_client(prober).post(
        "/api/v1/uploads/",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH="1000",
        HTTP_UPLOAD_METADATA=f"episode {encoded}",
    )
    assert response.status_code == 404
    row = AuditEvent.objects.get(action=AuditAction.DENIED, actor=prober)
    assert row.object_uuid == episode.uuid
    assert row.detail["probed"] == [{"in": "header", "name": "episode", "id": str(episode.uuid)}]


def test_denied_rows_are_limited_per_person_and_cannot_bury_the_real_reads(client, settings):
    settings.AUDIT_DENIED_ROWS_PER_MINUTE = 10
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    detail = reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid})
    sign_in_verified(client, nurse)
    client.get(detail)
    real_read = AuditEvent.objects.get(actor=nurse)

    prober = staff(Role.NURSE)
    sign_in_verified(client, prober)
    minute = timezone.now().replace(second=30)
    with mock.patch("clinics.services.audit.timezone.now", return_value=minute):
        for _ in range(150):
            assert client.get(detail).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=prober).count() == 10
    tally = DeniedAccessTally.objects.get(actor=prober)
    assert (tally.written, tally.counted_only) == (10, 140)

    # 150 more real reads: the first one is on the second page of the admin's history.
    sign_in_verified(client, nurse)
    for _ in range(150):
        client.get(detail)
    sign_in_verified(client, staff(Role.CLINIC_ADMIN, infant.clinic))
    first = client.get(detail).context["access_history"]
    assert first.paginator.count == 1 + 10 + 150 + 1
    assert first.has_next()
    older = client.get(detail, {"history_page": 2}).context["access_history"]
    assert real_read in older
