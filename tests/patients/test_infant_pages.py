from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import AuditEvent, Role
from patients.models import Infant
from tests.factories import InfantFactory, caregiver_of, sign_in_verified, staff

pytestmark = pytest.mark.django_db

FORM = {
    "mrn": "W-1",
    "given_name": "Grace",
    "family_name": "Hopper",
    "sex": "female",
    "born_date": "2025-03-01",
    "born_time": "23:30",
    "gestational_weeks": "39",
    "gestational_days": "0",
    "birth_weight_g": "3400",
    "maternal_diabetes": "none",
    "feeding": "breast",
    "neuro_exam": "not_done",
}


def _signed_in(client, role=Role.NURSE, clinic=None):
    user = staff(role, clinic)
    sign_in_verified(client, user)
    return user


def test_staff_register_an_infant_on_the_web_in_clinic_time(client):
    user = _signed_in(client)
    clinic = user.memberships.get().clinic
    clinic.time_zone = "Europe/London"
    clinic.save()
    response = client.post(reverse("patients:infant-register"), FORM)
    infant = Infant.objects.get(mrn="W-1")
    assert response.status_code == 302
    assert infant.born_on.isoformat() == "2025-03-01"
    assert infant.born_at.isoformat() == "2025-03-01T23:30:00+00:00"
    assert AuditEvent.objects.filter(
        action="create", infant_uuid=infant.uuid, channel="web"
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "form_field"),
    [
        ("born_date", "2999-01-01", "born_date"),
        ("gestational_weeks", "15", "gestational_weeks"),
        ("birth_weight_g", "90000", "birth_weight_g"),
        ("mrn", "DUP-1", "mrn"),
    ],
)
def test_invalid_registration_shows_the_error_on_the_field_and_stores_nothing(
    client, field, value, form_field
):
    user = _signed_in(client)
    InfantFactory(clinic=user.memberships.get().clinic, mrn="DUP-1")
    response = client.post(reverse("patients:infant-register"), {**FORM, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[form_field]
    assert Infant.objects.count() == 1


def test_edit_changes_the_record(client):
    infant = InfantFactory()
    _signed_in(client, clinic=infant.clinic)
    url = reverse("patients:infant-edit", kwargs={"infant_id": infant.uuid})
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"family_history": ["epilepsy"], "born_time": "10:00"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    infant.refresh_from_db()
    assert infant.family_history == ["epilepsy"]


def test_infant_page_shows_header_and_is_audited_as_a_view(client):
    infant = InfantFactory(
        gestational_weeks=32, birth_weight_g=1400, born_at=timezone.now() - timedelta(days=50)
    )
    caregiver_of(infant)
    user = _signed_in(client, clinic=infant.clinic)
    response = client.get(reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "corrected age" in html
    assert "Very low birth weight" in html
    assert "Age-appropriate" in html
    assert 'id="timeline"' in html
    assert 'data-testid="access-history"' not in html  # nurses do not see the access history
    event = AuditEvent.objects.get(action="view", actor=user)
    assert (event.infant_uuid, event.channel, event.actor_role) == (infant.uuid, "web", "nurse")


def test_clinic_admin_sees_the_access_history(client):
    infant = InfantFactory()
    _signed_in(client, Role.CLINIC_ADMIN, infant.clinic)
    html = client.get(reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid})).content
    assert b'data-testid="access-history"' in html


def test_list_page_searches_and_writes_one_list_row(client):
    user = _signed_in(client)
    clinic = user.memberships.get().clinic
    ada = InfantFactory(clinic=clinic, given_name="Ada")
    InfantFactory(clinic=clinic, given_name="Zed")
    response = client.get(reverse("patients:infant-list"), {"search": "ada"})
    assert list(response.context["page"]) == [ada]
    event = AuditEvent.objects.get(action="list", actor=user)
    assert event.infant_uuids == [ada.uuid]


def test_caregiver_cannot_open_staff_pages(client):
    infant = InfantFactory()
    sign_in_verified(client, caregiver_of(infant))
    assert client.get(reverse("patients:infant-list")).status_code == 403
    assert (
        client.get(reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid})).status_code
        == 403
    )


def test_staff_record_a_milestone_on_the_web(client):
    infant = InfantFactory(born_at=timezone.now() - timedelta(days=80))
    _signed_in(client, clinic=infant.clinic)
    url = reverse("patients:milestones", kwargs={"infant_id": infant.uuid})
    response = client.post(
        url,
        {"milestone": "social_smile", "status": "achieved", "observed_on": timezone.localdate()},
    )
    assert response.status_code == 302
    assert infant.milestone_entries.get().milestone == "social_smile"


def test_pediatrician_overrides_development_with_a_reason(client):
    infant = InfantFactory(born_at=timezone.now() - timedelta(days=80))
    _signed_in(client, Role.PEDIATRICIAN, infant.clinic)
    url = reverse("patients:development-override", kwargs={"infant_id": infant.uuid})
    client.post(url, {"status": "delayed", "reason": ""})
    infant.refresh_from_db()
    assert infant.development_status_override == ""
    client.post(url, {"status": "delayed", "reason": "Poor head control on examination"})
    infant.refresh_from_db()
    assert infant.development_status_override == "delayed"


def test_caregiver_sees_which_staff_opened_the_record(client):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    nurse = staff(Role.NURSE, infant.clinic)
    sign_in_verified(client, nurse)
    client.get(reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid}))
    sign_in_verified(client, parent)
    response = client.get(
        reverse("patients:child-access-history", kwargs={"infant_id": infant.uuid})
    )
    assert response.status_code == 200
    assert str(nurse) in response.content.decode()
    assert [e.actor for e in response.context["events"]] == [nurse]


def test_staff_navigation_links_to_infants(client):
    _signed_in(client)
    assert (
        reverse("patients:infant-list") in client.get(reverse("home"), follow=True).content.decode()
    )


@pytest.mark.parametrize("count", [5, 50])
def test_list_page_query_count_does_not_grow_with_infants(
    client, django_assert_max_num_queries, count
):
    user = staff(Role.NURSE)
    InfantFactory.create_batch(count, clinic=user.memberships.get().clinic)
    sign_in_verified(client, user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("patients:infant-list"))
    assert response.context["page"].paginator.count == count


def test_an_infant_is_assigned_to_one_of_the_clinics_pediatricians(client):
    infant = InfantFactory()
    _signed_in(client, clinic=infant.clinic)
    doctor = staff(Role.PEDIATRICIAN, clinic=infant.clinic)
    outsider = staff(Role.PEDIATRICIAN)
    url = reverse("patients:infant-edit", kwargs={"infant_id": infant.uuid})
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"born_time": "10:00"})

    refused = client.post(url, {**data, "assigned_clinician": outsider.pk})
    assert refused.status_code == 200
    assert refused.context["form"].errors["assigned_clinician"]
    response = client.post(url, {**data, "assigned_clinician": doctor.pk})
    assert response.status_code == 302, response.context["form"].errors
    infant.refresh_from_db()
    assert infant.assigned_clinician == doctor
