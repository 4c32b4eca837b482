"""Every POST form carries a CSRF token, and a POST without one is refused."""

import pytest
from django.test import Client
from django.urls import reverse

from clinics.models import NotificationKind
from clinics.services import notify
from tests.factories import PASSWORD, UserFactory, sign_in_verified, staff, totp_device
from tests.security.pages import assert_post_forms_have_csrf_token, parse_page

pytestmark = pytest.mark.django_db


def test_every_post_form_has_a_csrf_token(client):
    user = staff()
    notify(recipients=[user], kind=NotificationKind.INFO, title="Hello")
    pages = [client.get(reverse("login"))]
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    pages.append(client.get(reverse("otp-setup")))
    sign_in_verified(client, user)
    pages += [client.get(reverse(name)) for name in ("home", "notifications", "account-security")]
    forms = 0
    for page in pages:
        html = page.content.decode()
        assert_post_forms_have_csrf_token(html)
        forms += len(parse_page(html).post_forms)
    assert forms >= 8, "the pages above hold at least eight POST forms"


def test_the_verify_page_form_has_a_csrf_token(client):
    user = staff()
    totp_device(user)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert_post_forms_have_csrf_token(client.get(reverse("otp-verify")).content.decode())


def test_the_checker_catches_a_form_without_token():
    with pytest.raises(AssertionError):
        assert_post_forms_have_csrf_token('<form method="post" action="/x"><input name="a"></form>')


def test_a_post_without_the_token_is_refused():
    user = UserFactory()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 403
    sign_in_verified(strict, user)
    response = strict.post(reverse("account-security"), {"action": "revoke_tokens"})
    assert response.status_code == 403
    assert strict.post(reverse("logout")).status_code == 403


def test_a_post_with_the_token_is_accepted():
    user = UserFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.get(reverse("login"))
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        reverse("login"),
        {"username": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
