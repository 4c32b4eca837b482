"""Five failures for one email from one address lock the sign-in page and the token endpoint."""

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.urls import reverse
from rest_framework.test import APIClient

from clinics.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, UserFactory, staff, totp_device

pytestmark = pytest.mark.django_db

LIMIT = 5


def web_sign_in(client, email, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def api_sign_in(email, password, address="203.0.113.7"):
    return APIClient().post(
        reverse("api:auth-token"),
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_the_sign_in_page(client):
    user = UserFactory()
    for _ in range(LIMIT - 1):
        assert web_sign_in(client, user.email, "wrong-password").status_code == 200
    locked = web_sign_in(client, user.email, "wrong-password")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()

    right = web_sign_in(client, user.email, PASSWORD)
    assert right.status_code == 429, "the right password does not open a locked account"
    assert client.get(reverse("notifications")).status_code == 302


def test_lockouts_are_audited(client):
    user = UserFactory()
    for _ in range(LIMIT):
        web_sign_in(client, user.email, "wrong-password")
    event = AuditEvent.objects.get(resource="sign_in")
    assert event.action == AuditAction.DENIED
    assert event.detail == {"reason": "locked_out", "email": user.email}
    assert event.client_address == "203.0.113.7"


def test_five_wrong_passwords_lock_the_token_endpoint():
    user = staff()
    for _ in range(LIMIT - 1):
        assert api_sign_in(user.email, "wrong-password").status_code == 400
    assert api_sign_in(user.email, "wrong-password").status_code == 429
    locked = api_sign_in(user.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == 15 * 60


def test_failures_on_the_page_and_the_api_count_together(client):
    user = UserFactory()
    for _ in range(3):
        web_sign_in(client, user.email.upper(), "wrong-password")
    api_sign_in(user.email, "wrong-password")
    assert api_sign_in(user.email, "wrong-password").status_code == 429
    assert web_sign_in(client, user.email, PASSWORD).status_code == 429


def test_lockout_is_for_one_account_from_one_address(client):
    user, colleague = UserFactory(), UserFactory()
    for _ in range(LIMIT):
        web_sign_in(client, user.email, "wrong-password")
    assert web_sign_in(client, colleague.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert web_sign_in(client, user.email, PASSWORD, address="198.51.100.9").status_code == 302


def test_a_successful_sign_in_clears_the_failure_count(client):
    user = UserFactory()
    for _ in range(LIMIT - 1):
        web_sign_in(client, user.email, "wrong-password")
    assert web_sign_in(client, user.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    client.post(reverse("logout"))
    for _ in range(LIMIT - 1):
        web_sign_in(client, user.email, "wrong-password")
    assert web_sign_in(client, user.email, PASSWORD).status_code == 302


def test_a_token_obtained_clears_the_failure_count():
    user = staff()
    for _ in range(LIMIT - 1):
        api_sign_in(user.email, "wrong-password")
    assert api_sign_in(user.email, PASSWORD).status_code == 201
    assert not AccessAttempt.objects.filter(username=user.email).exists()


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client):
    user = UserFactory()
    for attempt in range(LIMIT):
        response = client.post(
            reverse("login"),
            {"username": user.email, "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert response.status_code == 429


def test_the_test_clients_login_still_works_for_caregivers(client):
    # Django's Client.login() authenticates without a request (tests/backends.py).
    user = UserFactory()
    assert client.login(email=user.email, password=PASSWORD)
    assert client.get(reverse("notifications")).status_code == 200


def test_production_refuses_to_authenticate_without_a_request(settings):
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(email=UserFactory().email, password=PASSWORD)


def test_wrong_codes_at_the_token_endpoint_count_towards_the_lockout():
    user = staff()
    totp_device(user)
    body = {"email": user.email, "password": PASSWORD, "otp": "000000"}
    answers = [
        APIClient().post(reverse("api:auth-token"), body, format="json").status_code
        for _ in range(LIMIT)
    ]
    assert answers == [400] * (LIMIT - 1) + [429]
