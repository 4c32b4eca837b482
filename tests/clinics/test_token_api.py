from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import ApiToken
from tests.factories import PASSWORD, staff

pytestmark = pytest.mark.django_db


def test_token_endpoint_issues_a_token_for_email_and_password(api_client):
    user = staff()
    response = api_client.post(
        reverse("api:auth-token"), {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert len(token) >= 40
    stored = ApiToken.objects.get(user=user)
    assert stored.key_digest != token, "only a hash of the token is stored"


def test_token_endpoint_email_is_case_insensitive(api_client):
    user = staff()
    response = api_client.post(
        reverse("api:auth-token"),
        {"email": user.email.upper(), "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 201


def test_wrong_password_gets_a_clear_error(api_client):
    user = staff()
    response = api_client.post(
        reverse("api:auth-token"), {"email": user.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "email and password" in response.json()["non_field_errors"][0]
    assert not ApiToken.objects.exists()


def test_missing_fields_are_named(api_client):
    response = api_client.post(reverse("api:auth-token"), {"email": "x@y.test"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_unauthenticated_api_call_is_401_not_a_redirect(api_client):
    response = api_client.get(reverse("api:me"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_token_authenticates_api_requests(token_client):
    user = staff()
    response = token_client(user).get(reverse("api:me"))
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["role"] == "pediatrician"


def test_revoked_token_stops_working_on_the_next_request(token_client):
    client = token_client(staff())
    assert client.delete(reverse("api:auth-token-revoke")).status_code == 204
    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_expired_token_is_refused(token_client):
    user = staff()
    client = token_client(user)
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_garbage_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get(reverse("api:me")).status_code == 401


def test_inactive_user_token_is_refused(token_client):
    user = staff()
    client = token_client(user)
    user.is_active = False
    user.save()
    assert client.get(reverse("api:me")).status_code == 401
