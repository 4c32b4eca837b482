"""A caregiver's language is stored on the account: chosen at invitation, changed with the
portal's switch, else the browser's Accept-Language; staff pages are English."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from clinics.models import Role, User
from patients.models import Invitation
from tests.factories import InfantFactory, caregiver_of, sign_in_verified, staff

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-passphrase-42"


def test_the_language_chosen_at_invitation_becomes_the_accounts_language(
    client, django_capture_on_commit_callbacks
):
    infant = InfantFactory()
    nurse = sign_in_verified(Client(), staff(Role.NURSE, infant.clinic))
    with django_capture_on_commit_callbacks(execute=True):
        response = nurse.post(
            reverse("patients:caregiver-invite", kwargs={"infant_id": infant.uuid}),
            {
                "email": "madre@familia.example",
                "phone": "+1 555 0100",
                "relationship": "mother",
                "language": "es",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="madre@familia.example")
    assert invitation.language == "es"
    assert "Abra este enlace en las próximas 72 horas" in mail.outbox[-1].body
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)
    path = link.split("testserver")[-1].split("8000")[-1]
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.headers["Content-Language"] == "es"
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.get(email="madre@familia.example").language == "es"


def test_an_invitation_without_a_language_leaves_the_account_to_the_browser(
    client, django_capture_on_commit_callbacks
):
    infant = InfantFactory()
    nurse = sign_in_verified(Client(), staff(Role.NURSE, infant.clinic))
    with django_capture_on_commit_callbacks(execute=True):
        nurse.post(
            reverse("patients:caregiver-invite", kwargs={"infant_id": infant.uuid}),
            {"email": "dad@family.example", "phone": "+1 555 0101", "relationship": "father"},
        )
    assert Invitation.objects.get(email="dad@family.example").language == ""


def test_the_portal_switch_stores_the_language_on_the_account(client):
    caregiver = caregiver_of(InfantFactory())
    client.force_login(caregiver)
    portal = reverse("portal:home")
    response = client.post(reverse("account-language"), {"language": "es", "next": portal})
    assert response.status_code == 302
    assert response.url == portal
    caregiver.refresh_from_db()
    assert caregiver.language == "es"
    # Every later page, whatever the browser asks for.
    page = client.get(portal, HTTP_ACCEPT_LANGUAGE="en")
    assert page.headers["Content-Language"] == "es"
    assert '<html lang="es">' in page.content.decode()


def test_the_switch_refuses_an_unknown_language_and_an_outside_redirect(client):
    caregiver = caregiver_of(InfantFactory())
    client.force_login(caregiver)
    response = client.post(
        reverse("account-language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    caregiver.refresh_from_db()
    assert caregiver.language == ""


def test_the_switch_needs_a_post_with_a_csrf_token():
    caregiver = caregiver_of(InfantFactory())
    client = Client(enforce_csrf_checks=True)
    client.force_login(caregiver)
    assert client.get(reverse("account-language")).status_code == 405
    assert client.post(reverse("account-language"), {"language": "es"}).status_code == 403
    caregiver.refresh_from_db()
    assert caregiver.language == ""


def test_without_a_stored_language_the_browsers_accept_language_decides(client):
    caregiver = caregiver_of(InfantFactory())
    client.force_login(caregiver)
    spanish = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert spanish.headers["Content-Language"] == "es"
    english = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert english.headers["Content-Language"] == "en"


def test_a_stored_language_wins_over_the_browser(client):
    caregiver = caregiver_of(InfantFactory())
    caregiver.language = "en"
    caregiver.save()
    client.force_login(caregiver)
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="es")
    assert page.headers["Content-Language"] == "en"


def test_staff_pages_stay_english_for_a_spanish_browser():
    doctor = sign_in_verified(Client(), staff(Role.PEDIATRICIAN))
    page = doctor.get(reverse("patients:infant-list"), HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "en"


def test_the_invitation_api_takes_the_caregivers_language(
    token_client, django_capture_on_commit_callbacks
):
    infant = InfantFactory()
    api = token_client(staff(Role.NURSE, infant.clinic))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            reverse("api:infant-caregivers", kwargs={"infant_id": infant.uuid}),
            {"email": "abuela@familia.example", "relationship": "other", "language": "es"},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["language"] == "es"
    assert mail.outbox[-1].subject.endswith("le invitamos a seguir la atención de su bebé")
