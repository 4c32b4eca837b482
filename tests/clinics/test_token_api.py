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


def test_token_reads_its_user_and_active_membership_in_one_statement():
    """The token, its user and the user's active membership (the oldest, as `membership_for`
    picks it) with its clinic come from one query, and the membership is not read again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clinics.selectors import api_token_for, membership_for
    from clinics.services import token_digest
    from tests.factories import ClinicFactory, MembershipFactory

    user = staff()
    first = user.memberships.get()
    later = MembershipFactory(user=user, clinic=ClinicFactory())
    MembershipFactory(user=user, clinic=ClinicFactory(), is_active=False)
    stored = ApiToken.objects.create(
        user=user,
        key_digest=token_digest("k" * 40),
        prefix="kkkkkkkk",
        expires_at=timezone.now() + timedelta(days=1),
    )
    with CaptureQueriesContext(connection) as queries:
        token = api_token_for(token_digest("k" * 40))
        membership = membership_for(token.user)
        clinic_name = membership.clinic.name
    assert len(queries) == 1
    assert token.pk == stored.pk
    assert membership.pk == first.pk
    assert clinic_name == first.clinic.name

    first.is_active = False
    first.save()
    token = api_token_for(token_digest("k" * 40))
    assert membership_for(token.user).pk == later.pk


def test_token_of_a_user_without_membership_has_none():
    from clinics.selectors import api_token_for, membership_for
    from clinics.services import token_digest
    from tests.factories import UserFactory

    user = UserFactory()
    ApiToken.objects.create(
        user=user,
        key_digest=token_digest("c" * 40),
        prefix="cccccccc",
        expires_at=timezone.now() + timedelta(days=1),
    )
    token = api_token_for(token_digest("c" * 40))
    assert token.user == user
    assert membership_for(token.user) is None
    assert api_token_for(token_digest("x" * 40)) is None
