"""Clinic admins manage their own clinic's staff on the product's pages and API; the Django admin
is for superusers only (issue 13, finding 1)."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clinics.models import ApiToken, AuditEvent, Membership, Role, StaffInvitation, User
from clinics.services import (
    InvitationRefused,
    api_token_issue,
    membership_deactivate,
    membership_role_change,
    staff_invitation_accept_new_account,
    staff_invitation_send,
)
from tests.factories import (
    PASSWORD,
    ClinicFactory,
    InfantFactory,
    MembershipFactory,
    UserFactory,
    caregiver_of,
    sign_in_verified,
    staff,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-staff-passphrase"


def _link_token(message) -> str:
    return re.search(r"/staff-invitations/([^/\s]+)/", message.body).group(1)


def _invite(admin, email="new.nurse@example.test", role=Role.NURSE, clinic=None):
    return staff_invitation_send(
        clinic=clinic or admin.memberships.get().clinic,
        email=email,
        role=role,
        invited_by=admin,
    )


# The Django admin is for superusers only ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("admin:index", []),
        ("admin:clinics_membership_add", []),
        ("admin:clinics_membership_changelist", []),
        ("admin:clinics_user_changelist", []),
    ],
)
def test_clinic_admin_reaching_the_django_admin_gets_404(client, name, args):
    sign_in_verified(client, staff(Role.CLINIC_ADMIN))
    assert client.get(reverse(name, args=args)).status_code == 404


def test_clinic_admin_cannot_create_a_membership_in_another_clinic_through_the_admin(client):
    admin = staff(Role.CLINIC_ADMIN)
    other_clinic = ClinicFactory()
    accomplice = UserFactory()
    sign_in_verified(client, admin)
    response = client.post(
        reverse("admin:clinics_membership_add"),
        {"user": accomplice.pk, "clinic": other_clinic.pk, "role": Role.CLINIC_ADMIN},
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(clinic=other_clinic).exists()


def test_clinic_admin_cannot_set_the_password_of_another_clinics_caregiver(client):
    admin = staff(Role.CLINIC_ADMIN)
    parent = caregiver_of(InfantFactory())
    # The second path: an inactive membership of the admin's clinic on the other family's parent.
    MembershipFactory(user=parent, clinic=admin.memberships.get().clinic, is_active=False)
    sign_in_verified(client, admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[parent.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 404
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)


def test_a_superuser_setting_a_password_is_named_as_the_actor_of_the_audit_row(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    target = UserFactory()
    sign_in_verified(client, superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    row = AuditEvent.objects.get(resource="api_tokens", object_uuid=target.uuid)
    assert row.actor == superuser
    assert row.detail["reason"] == "password_set_by_admin"


def test_seeded_and_migrated_clinic_admins_have_no_django_admin_access():
    call_command("seed_demo", verbosity=0)
    admins = User.objects.filter(memberships__role=Role.CLINIC_ADMIN)
    assert admins.exists()
    assert not admins.filter(is_staff=True).exists()


def test_data_migration_takes_django_admin_access_from_clinic_admins():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("clinics.migrations.0008_clinic_admins_leave_django_admin")
    admin = staff(Role.CLINIC_ADMIN)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    User.objects.filter(pk=admin.pk).update(is_staff=True)
    migration.clinic_admins_leave_django_admin(apps, None)
    assert not User.objects.get(pk=admin.pk).is_staff
    assert User.objects.get(pk=superuser.pk).is_staff


# The service keeps every membership in the acting admin's clinic ---------------------------------


def test_a_staff_invitation_is_refused_for_any_clinic_but_the_admins_own():
    admin = staff(Role.CLINIC_ADMIN)
    with pytest.raises(PermissionDenied):
        _invite(admin, role=Role.CLINIC_ADMIN, clinic=ClinicFactory())
    assert not StaffInvitation.objects.exists()


@pytest.mark.parametrize("role", [Role.PEDIATRICIAN, Role.NURSE])
def test_only_a_clinic_admin_invites_staff(role):
    colleague = staff(role)
    with pytest.raises(PermissionDenied):
        _invite(colleague)


def test_a_clinic_admin_cannot_change_or_deactivate_another_clinics_membership():
    admin = staff(Role.CLINIC_ADMIN)
    elsewhere = staff(Role.NURSE).memberships.get()
    with pytest.raises(PermissionDenied):
        membership_role_change(membership=elsewhere, role=Role.CLINIC_ADMIN, changed_by=admin)
    with pytest.raises(PermissionDenied):
        membership_deactivate(membership=elsewhere, deactivated_by=admin)
    elsewhere.refresh_from_db()
    assert elsewhere.role == Role.NURSE
    assert elsewhere.is_active


def test_accepting_an_invitation_creates_the_membership_in_the_invitations_clinic(
    django_capture_on_commit_callbacks,
):
    admin = staff(Role.CLINIC_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(admin)
    assert len(mail.outbox) == 1
    token = _link_token(mail.outbox[0])
    assert token not in invitation.token_digest
    user = staff_invitation_accept_new_account(raw_token=token, password=NEW_PASSWORD)
    membership = user.memberships.get()
    assert membership.clinic == admin.memberships.get().clinic
    assert membership.role == Role.NURSE
    with pytest.raises(InvitationRefused, match="already been used"):
        staff_invitation_accept_new_account(raw_token=token, password=NEW_PASSWORD)


def test_an_expired_staff_invitation_is_refused(django_capture_on_commit_callbacks):
    admin = staff(Role.CLINIC_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(admin)
    StaffInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(InvitationRefused, match="expired"):
        staff_invitation_accept_new_account(
            raw_token=_link_token(mail.outbox[0]), password=NEW_PASSWORD
        )


def test_the_clinic_keeps_one_active_clinic_admin():
    admin = staff(Role.CLINIC_ADMIN)
    with pytest.raises(ValidationError):
        membership_role_change(
            membership=admin.memberships.get(), role=Role.NURSE, changed_by=admin
        )


def test_deactivating_a_membership_ends_sessions_and_tokens_and_names_the_admin(client):
    admin = staff(Role.CLINIC_ADMIN)
    nurse = staff(Role.NURSE, clinic=admin.memberships.get().clinic)
    api_token_issue(user=nurse)
    sign_in_verified(client, nurse)
    assert Session.objects.count() == 1
    membership_deactivate(membership=nurse.memberships.get(), deactivated_by=admin)
    assert Session.objects.count() == 0
    assert not ApiToken.objects.filter(user=nurse, revoked_at__isnull=True).exists()
    assert client.get(reverse("patients:infant-list")).status_code == 302
    row = AuditEvent.objects.get(resource="membership", object_uuid=nurse.memberships.get().uuid)
    assert row.actor == admin
    assert row.detail["is_active"] is False


# Pages -------------------------------------------------------------------------------------------


def test_clinic_admin_sees_only_own_clinics_staff(client):
    admin = staff(Role.CLINIC_ADMIN)
    colleague = staff(Role.NURSE, clinic=admin.memberships.get().clinic)
    stranger = staff(Role.NURSE)
    sign_in_verified(client, admin)
    html = client.get(reverse("staff-list")).content.decode()
    assert colleague.email in html
    assert stranger.email not in html


@pytest.mark.parametrize("role", [Role.PEDIATRICIAN, Role.NURSE])
def test_staff_pages_refuse_other_roles(client, role):
    sign_in_verified(client, staff(role))
    assert client.get(reverse("staff-list")).status_code == 403


def test_another_clinics_membership_page_is_404(client):
    sign_in_verified(client, staff(Role.CLINIC_ADMIN))
    elsewhere = staff(Role.NURSE).memberships.get()
    url = reverse("staff-detail", kwargs={"membership_uuid": elsewhere.uuid})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "deactivate_confirmed"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


def test_clinic_admin_invites_changes_role_and_deactivates_on_the_pages(
    client, django_capture_on_commit_callbacks
):
    admin = staff(Role.CLINIC_ADMIN)
    sign_in_verified(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff-list"), {"email": "Nurse.New@Example.test", "role": Role.NURSE}
        )
    assert response.status_code == 302
    token = _link_token(mail.outbox[-1])
    visitor = Client()
    page = visitor.get(reverse("staff-invitation-accept", kwargs={"token": token}))
    assert page.status_code == 200
    assert "nurse.new@example.test" in page.content.decode()
    response = visitor.post(
        reverse("staff-invitation-accept", kwargs={"token": token}),
        {"full_name": "Nina New", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    # Straight to setting up the second factor.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-setup"))
    membership = Membership.objects.get(user__email="nurse.new@example.test")
    url = reverse("staff-detail", kwargs={"membership_uuid": membership.uuid})
    client.post(url, {"action": "role", "role": Role.PEDIATRICIAN})
    membership.refresh_from_db()
    assert membership.role == Role.PEDIATRICIAN
    asked = client.post(url, {"action": "deactivate"})
    assert "Yes, deactivate" in asked.content.decode()
    membership.refresh_from_db()
    assert membership.is_active
    client.post(url, {"action": "deactivate_confirmed"})
    membership.refresh_from_db()
    assert not membership.is_active
    assert visitor.get(reverse("home")).status_code == 302


# API ---------------------------------------------------------------------------------------------


def _api(user) -> APIClient:
    api = APIClient()
    sign_in_verified(api, user)
    return api


def test_staff_api_lists_invites_changes_and_deactivates_within_the_clinic(
    django_capture_on_commit_callbacks,
):
    admin = staff(Role.CLINIC_ADMIN)
    clinic = admin.memberships.get().clinic
    nurse = staff(Role.NURSE, clinic=clinic)
    stranger = staff(Role.NURSE)
    api = _api(admin)
    listing = api.get(reverse("api:staff-list")).json()
    emails = {row["email"] for row in listing["results"]}
    assert nurse.email in emails
    assert stranger.email not in emails
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            reverse("api:staff-invitations"),
            {"email": "doc@example.test", "role": Role.PEDIATRICIAN},
            format="json",
        )
    assert created.status_code == 201, created.content
    assert StaffInvitation.objects.get(uuid=created.json()["id"]).clinic == clinic
    membership = nurse.memberships.get()
    changed = api.patch(
        reverse("api:staff-detail", kwargs={"membership_uuid": membership.uuid}),
        {"role": Role.PEDIATRICIAN},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["role"] == Role.PEDIATRICIAN
    ended = api.post(reverse("api:staff-deactivate", kwargs={"membership_uuid": membership.uuid}))
    assert ended.status_code == 200
    assert ended.json()["is_active"] is False


def test_staff_api_refuses_another_clinics_membership_and_other_roles():
    admin = staff(Role.CLINIC_ADMIN)
    elsewhere = staff(Role.NURSE).memberships.get()
    api = _api(admin)
    url = reverse("api:staff-detail", kwargs={"membership_uuid": elsewhere.uuid})
    assert api.patch(url, {"role": Role.CLINIC_ADMIN}, format="json").status_code == 404
    deactivate = reverse("api:staff-deactivate", kwargs={"membership_uuid": elsewhere.uuid})
    assert api.post(deactivate).status_code == 404
    nurse_api = _api(staff(Role.NURSE))
    assert nurse_api.get(reverse("api:staff-list")).status_code == 403
    refused = nurse_api.post(
        reverse("api:staff-invitations"), {"email": "x@example.test", "role": "nurse"}
    )
    assert refused.status_code == 403


def test_staff_endpoints_are_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/staff/",
        "/api/v1/staff/invitations/",
        "/api/v1/staff/{membership_uuid}/",
        "/api/v1/staff/{membership_uuid}/deactivate/",
    } <= paths


def test_staff_api_names_the_rule_when_the_last_clinic_admin_would_be_demoted():
    admin = staff(Role.CLINIC_ADMIN)
    url = reverse("api:staff-detail", kwargs={"membership_uuid": admin.memberships.get().uuid})
    response = _api(admin).patch(url, {"role": Role.NURSE}, format="json")
    assert response.status_code == 400
    assert "at least one active clinic admin" in response.json()["role"][0]
