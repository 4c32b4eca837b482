"""Every page is served under a CSP that allows no inline script, and has none; other headers."""

import pytest
from django.urls import reverse

from clinics.models import NotificationKind
from clinics.services import notify
from tests.factories import (
    PASSWORD,
    EpisodeFactory,
    InfantFactory,
    caregiver_of,
    sign_in_verified,
    staff,
)
from tests.security.pages import (
    assert_no_inline_script,
    assert_page_is_safe,
    csp_directives,
)

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_csp_clean(client):
    for url in (reverse("login"), reverse("api-docs")):
        assert_page_is_safe(client.get(url))


def test_staff_pages_are_csp_clean(client):
    user = staff()
    notify(recipients=[user], kind=NotificationKind.INFO, title="Hello")
    sign_in_verified(client, user)
    infant = InfantFactory(clinic=user.memberships.get().clinic)
    EpisodeFactory(infant=infant)
    urls = [
        reverse(name)
        for name in (
            "dashboard:index",
            "patients:infant-list",
            "patients:infant-register",
            "notifications",
            "account-security",
        )
    ] + [
        reverse("dashboard:case", args=[infant.uuid]),
        reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid}),
        reverse("episodes:list", kwargs={"infant_uuid": infant.uuid}),
        reverse("assessments:list", args=[infant.uuid]),
    ]
    for url in urls:
        assert_page_is_safe(client.get(url))


def test_sign_in_steps_are_csp_clean(client):
    user = staff()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert_page_is_safe(client.get(reverse("otp-setup")))
    recovery = client.post(reverse("account-security"), {"action": "recovery_codes"})
    assert recovery.status_code == 302, "recovery codes need a verified session"


def test_caregiver_pages_are_csp_clean(client):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    episode = EpisodeFactory(infant=infant, reported_by=parent)
    client.force_login(parent)
    for url in (
        reverse("portal:home"),
        reverse("portal:log", kwargs={"infant_uuid": infant.uuid}),
        reverse("portal:episode", kwargs={"episode_uuid": episode.uuid}),
        reverse("notifications"),
        reverse("account-security"),
    ):
        assert_page_is_safe(client.get(url))


def test_the_policy_allows_only_this_origin(client):
    directives = csp_directives(client.get(reverse("login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert set(directives["img-src"]) == {"'self'", "data:", "blob:"}
    assert set(directives["media-src"]) == {"'self'", "blob:"}


def test_api_docs_start_from_a_script_file(client):
    html = client.get(reverse("api-docs")).content.decode()
    assert_no_inline_script(html)
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_checker_catches_inline_script():
    with pytest.raises(AssertionError):
        assert_no_inline_script("<p>x</p><script>alert(1)</script>")
    with pytest.raises(AssertionError):
        assert_no_inline_script('<button onclick="go()">Go</button>')
    with pytest.raises(AssertionError):
        assert_no_inline_script('<a href="javascript:go()">Go</a>')
    assert_no_inline_script('<script src="/static/x.js"></script>')
    assert_no_inline_script('<script type="application/json">{"a": 1}</script>')


def test_security_headers_are_set(client):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_sign_in_pages_are_not_cached(client):
    user = staff()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert "no-store" in client.get(reverse("otp-setup"))["Cache-Control"]
