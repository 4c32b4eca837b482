"""API tokens: all of a person's tokens can be revoked at once, and are on a password change."""

import pytest
from django.urls import reverse

from clinics.models import ApiToken, AuditEvent
from clinics.services import api_token_issue, user_password_change
from tests.factories import PASSWORD, UserFactory, sign_in_verified, staff

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-new-passphrase"


def usable_tokens(user) -> int:
    return sum(token.is_usable for token in ApiToken.objects.filter(user=user))


def test_a_password_change_revokes_every_token(token_client):
    user = UserFactory()
    clients = [token_client(user) for _ in range(2)]
    other = token_client(UserFactory())
    user_password_change(user=user, password=NEW_PASSWORD)
    for client in clients:
        assert client.get(reverse("api:me")).status_code == 401
    assert other.get(reverse("api:me")).status_code == 200
    assert AuditEvent.objects.filter(resource="api_tokens", object_uuid=user.uuid).exists()


def test_changing_the_password_on_the_security_page_revokes_tokens(client):
    user = staff()
    api_token_issue(user=user)
    sign_in_verified(client, user)
    response = client.post(
        reverse("account-security"),
        {
            "action": "password",
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert usable_tokens(user) == 0
    assert client.get(reverse("notifications")).status_code == 200, (
        "the current session stays signed in"
    )


def test_the_security_page_revokes_all_my_tokens(client):
    user = UserFactory()
    api_token_issue(user=user)
    api_token_issue(user=user)
    sign_in_verified(client, user)
    assert client.get(reverse("account-security")).status_code == 200
    client.post(reverse("account-security"), {"action": "revoke_tokens"})
    assert usable_tokens(user) == 0


@pytest.fixture
def token_holder(client):
    """Someone with an API token, and the client signed in as a verified superuser."""
    sign_in_verified(client, UserFactory(is_superuser=True, is_staff=True))
    holder = UserFactory()
    api_token_issue(user=holder)
    return holder


def test_an_admin_revokes_someones_tokens_with_an_admin_action(client, token_holder):
    target = token_holder
    response = client.post(
        reverse("admin:clinics_user_changelist"),
        {"action": "revoke_api_tokens", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    assert usable_tokens(target) == 0


def test_an_admin_setting_a_password_revokes_the_tokens(client, token_holder):
    target = token_holder
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert usable_tokens(target) == 0


def test_staff_can_make_new_recovery_codes_that_replace_the_old(client):
    user = staff()
    sign_in_verified(client, user)
    first = client.post(reverse("account-security"), {"action": "recovery_codes"})
    second = client.post(reverse("account-security"), {"action": "recovery_codes"})
    assert first.status_code == second.status_code == 200
    assert first.content != second.content


def test_the_admins_own_password_change_goes_to_the_security_page(client):
    sign_in_verified(client, UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account-security")
