"""Staff sessions end after 30 idle minutes; cookies are locked down; weak passwords refused."""

import runpy
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinics.middleware import LAST_ACTIVITY_SESSION_KEY
from tests.factories import PASSWORD, UserFactory, sign_in_verified, staff

pytestmark = pytest.mark.django_db


def idle_for(client, minutes: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_an_idle_staff_session_ends_after_30_minutes(client, settings):
    assert settings.STAFF_SESSION_IDLE_MINUTES == 30
    sign_in_verified(client, staff())
    assert client.get(reverse("notifications")).status_code == 200
    idle_for(client, 31)
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("notifications")).status_code == 302, (
        "the session is gone, not paused"
    )
    assert client.get(reverse("api:me")).status_code in (401, 403)


def test_an_idle_staff_session_cannot_reach_the_api_either(client):
    sign_in_verified(client, staff())
    client.get(reverse("notifications"))
    idle_for(client, 31)
    assert client.get(reverse("api:me")).status_code in (401, 403)


def test_activity_keeps_a_staff_session_alive(client):
    sign_in_verified(client, staff())
    client.get(reverse("notifications"))
    idle_for(client, 29)
    assert client.get(reverse("notifications")).status_code == 200
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= int(time.time()) - 5
    assert client.session.get_expiry_age() <= 30 * 60


def test_caregivers_keep_longer_sessions(client, settings):
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 60 * 60
    client.force_login(UserFactory())
    idle_for(client, 120)
    assert client.get(reverse("notifications")).status_code == 200


def test_session_cookie_is_http_only_and_same_site_lax(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_production_cookies_are_secure_and_https_is_enforced(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "clinic.example")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///unused.sqlite3")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    production = runpy.run_module("config.settings.production")
    assert production["SESSION_COOKIE_SECURE"]
    assert production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["SECURE_SSL_REDIRECT"]
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert production["DEBUG"] is False
    assert production["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123456", "12345678901234", "qwertyuiop"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_email_is_refused():
    user = UserFactory(email="margaret.hamilton@example.test", full_name="Margaret Hamilton")
    with pytest.raises(ValidationError):
        validate_password("margaret.hamilton", user=user)


def test_the_security_page_refuses_a_weak_new_password(client):
    user = staff()
    sign_in_verified(client, user)
    response = client.post(
        reverse("account-security"),
        {
            "action": "password",
            "old_password": PASSWORD,
            "new_password1": "password",
            "new_password2": "password",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
