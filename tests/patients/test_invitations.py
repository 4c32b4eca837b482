from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinics.models import Role, User
from patients.models import Guardianship, Invitation
from patients.selectors import infants_visible_to
from patients.services import invitation_send
from tests.factories import (
    PASSWORD,
    GuardianshipFactory,
    InfantFactory,
    UserFactory,
    sign_in_verified,
    staff,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-passphrase-42"


def _invite(django_capture_on_commit_callbacks, email="parent@family.example"):
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_send(
            infant=infant, email=email, relationship="mother", invited_by=nurse
        )
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)
    return invitation, link.split("testserver")[-1].split("8000")[-1], nurse


def test_invitation_email_goes_out_after_commit_and_only_a_digest_is_stored(
    django_capture_on_commit_callbacks,
):
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = invitation_send(
            infant=infant, email="Parent@Family.example", relationship="mother", invited_by=nurse
        )
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert mail.outbox[0].to == ["parent@family.example"]
    token = mail.outbox[0].body.split("/invitations/")[1].split("/")[0]
    assert token not in invitation.token_digest
    assert len(invitation.token_digest) == 64
    assert invitation.expires_at - timezone.now() > timedelta(hours=71)


def test_new_caregiver_sets_a_password_and_is_linked(client, django_capture_on_commit_callbacks):
    invitation, path, _ = _invite(django_capture_on_commit_callbacks)
    assert client.get(path).status_code == 200
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    caregiver = User.objects.get(email="parent@family.example")
    assert caregiver.check_password(NEW_PASSWORD)
    assert list(infants_visible_to(caregiver)) == [invitation.infant]
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.accepted_by == caregiver


def test_reused_link_is_refused_with_a_clear_message(client, django_capture_on_commit_callbacks):
    _, path, _ = _invite(django_capture_on_commit_callbacks)
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_expired_link_is_refused_with_a_clear_message(client, django_capture_on_commit_callbacks):
    invitation, path, _ = _invite(django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="parent@family.example").exists()


def test_revoked_link_is_refused_with_a_clear_message(client, django_capture_on_commit_callbacks):
    invitation, path, nurse = _invite(django_capture_on_commit_callbacks)
    sign_in_verified(client, nurse)
    url = reverse(
        "patients:invitation-revoke",
        kwargs={"infant_id": invitation.infant.uuid, "invitation_id": invitation.uuid},
    )
    assert client.post(url).status_code == 302
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_unknown_token_is_refused(client):
    response = client.get(reverse("patients:invitation-accept", kwargs={"token": "nope"}))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_existing_account_is_linked_after_signing_in_not_duplicated(
    client, django_capture_on_commit_callbacks
):
    parent = UserFactory(email="parent@family.example")
    invitation, path, _ = _invite(django_capture_on_commit_callbacks)
    response = client.get(path)
    assert "Sign in to accept" in response.content.decode()
    # A password form for the existing address creates nothing.
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.filter(email__iexact="parent@family.example").count() == 1
    assert not Guardianship.objects.filter(caregiver=parent).exists()
    client.post(reverse("login"), {"username": parent.email, "password": PASSWORD})
    assert client.post(path).status_code == 302
    assert User.objects.filter(email__iexact="parent@family.example").count() == 1
    assert list(infants_visible_to(parent)) == [invitation.infant]


def test_signed_in_account_with_another_email_cannot_accept(
    client, django_capture_on_commit_callbacks
):
    _, path, _ = _invite(django_capture_on_commit_callbacks)
    stranger = UserFactory()
    sign_in_verified(client, stranger)
    response = client.post(path)
    assert response.status_code == 410
    assert "different email address" in response.content.decode()
    assert not infants_visible_to(stranger).exists()


def test_revoking_a_guardianship_also_withdraws_pending_invitations(client):
    link = GuardianshipFactory()
    nurse = staff(Role.NURSE, link.infant.clinic)
    pending = Invitation.objects.create(
        infant=link.infant,
        email=link.caregiver.email,
        relationship="mother",
        token_digest="0" * 64,
        expires_at=timezone.now() + timedelta(hours=1),
        invited_by=nurse,
    )
    sign_in_verified(client, nurse)
    url = reverse(
        "patients:caregiver-revoke",
        kwargs={"infant_id": link.infant.uuid, "guardianship_id": link.uuid},
    )
    assert client.post(url).status_code == 302
    link.refresh_from_db()
    pending.refresh_from_db()
    assert link.revoked_at is not None
    assert pending.revoked_at is not None


def test_staff_invite_through_the_api(token_client, django_capture_on_commit_callbacks):
    infant = InfantFactory()
    client = token_client(staff(Role.NURSE, infant.clinic))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/infants/{infant.uuid}/caregivers/",
            {"email": "dad@family.example", "relationship": "father"},
        )
    assert response.status_code == 201
    assert mail.outbox[0].to == ["dad@family.example"]
    assert "token" not in response.json()
