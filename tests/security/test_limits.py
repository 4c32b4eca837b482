"""Limits and cache rules added after the outside attack on the demo (issue 13, findings 9, 10,
11, 14 and 15)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import AuditEvent, Role
from tests.factories import (
    EpisodeFactory,
    InfantFactory,
    caregiver_of,
    episode_time_value,
    sign_in_verified,
    staff,
)

pytestmark = pytest.mark.django_db

EPISODE_FORM = {"started_at": episode_time_value(), "stops_with_gentle_restraint": "no"}


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "caregiver_writes": "2/min",
        },
    }


# Finding 9: the portal's episode form shares the API's caregiver write limit ---------------------


def test_portal_episode_form_is_limited_like_the_episode_api(client, low_rates, token_client):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    sign_in_verified(client, parent)
    url = reverse("portal:log", kwargs={"infant_uuid": infant.uuid})
    assert client.post(url, EPISODE_FORM).status_code == 302
    assert client.post(url, EPISODE_FORM).status_code == 302
    refused = client.post(url, EPISODE_FORM)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode()
    assert infant.episodes.count() == 2
    # One counter for the page and the API.
    api = token_client(parent).post(
        reverse("api:episode-list"),
        {
            "infant": str(infant.uuid),
            "started_at": (timezone.now() - timedelta(days=2)).isoformat(),
        },
        format="json",
    )
    assert api.status_code == 429


# Finding 10: the sign-in page limits attempts per client address ---------------------------------


def test_sign_in_page_limits_attempts_per_address_across_accounts(client):
    url = reverse("login")
    for n in range(10):
        body = {"username": f"guess{n}@example.test", "password": "wrong"}
        assert client.post(url, body).status_code == 200
    refused = client.post(url, {"username": "guess@example.test", "password": "wrong"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0


def test_sign_in_limit_counts_the_trusted_proxys_hop_not_the_clients_forwarded_for(
    client, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("login")
    for n in range(10):
        # The attacker writes a new left-most address each time; the proxy appends the real one.
        forwarded = f"10.9.{n}.1, 203.0.113.7"
        body = {"username": f"guess{n}@example.test", "password": "wrong"}
        assert client.post(url, body, HTTP_X_FORWARDED_FOR=forwarded).status_code == 200
    refused = client.post(
        url,
        {"username": "last@example.test", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="10.9.99.1, 203.0.113.7",
    )
    assert refused.status_code == 429
    other = client.post(
        url,
        {"username": "last@example.test", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 200


# Finding 11: deeply nested JSON is a 400 naming the problem --------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [65, 5000, 200_000])
def test_deeply_nested_json_is_a_400_naming_the_problem_anonymously(client, depth):
    response = client.post(
        reverse("api:auth-token"), _nested(depth), content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["detail"]


def test_json_nested_64_levels_is_parsed_as_usual(client):
    response = client.post(reverse("api:auth-token"), _nested(64), content_type="application/json")
    assert response.status_code == 400
    assert "nested" not in response.content.decode()


def test_deeply_nested_json_in_a_signed_in_write_is_a_400(token_client):
    doctor = staff(Role.PEDIATRICIAN)
    body = '{"case": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}"
    response = token_client(doctor).post(
        reverse("api:assessment-preview"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["detail"]


def test_deeply_nested_fhir_json_is_a_400(token_client):
    doctor = staff(Role.PEDIATRICIAN)
    response = token_client(doctor).post(
        reverse("fhir:bundle-import"), _nested(5000), content_type="application/fhir+json"
    )
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.content.decode()


# Finding 15: no-store on every response carrying PHI; no query string in a log --------------------


def test_phi_responses_are_no_store_whatever_the_channel(client, token_client):
    doctor = staff(Role.PEDIATRICIAN)
    infant = InfantFactory(clinic=doctor.memberships.get().clinic)
    episode = EpisodeFactory(infant=infant, reported_by=doctor)
    api = token_client(doctor)
    api_urls = [
        reverse("api:infant-detail", kwargs={"infant_id": infant.uuid}),
        reverse("api:infant-list"),
        reverse("api:episode-detail", kwargs={"episode_uuid": episode.uuid}),
        reverse("fhir:patient-everything", kwargs={"infant_uuid": infant.uuid}),
        reverse("fhir:referral-letter", kwargs={"infant_uuid": infant.uuid}),
    ]
    for url in api_urls:
        response = api.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    sign_in_verified(client, doctor)
    for url in [
        reverse("dashboard:case", args=[infant.uuid]),
        reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid}),
        reverse("dashboard:index"),
        reverse("workups:worklist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_portal_pages_are_no_store(client):
    infant = InfantFactory()
    sign_in_verified(client, caregiver_of(infant))
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_query_strings_never_reach_the_audit_path(client):
    doctor = staff(Role.PEDIATRICIAN)
    sign_in_verified(client, doctor)
    client.get(reverse("patients:infant-list"), {"search": "Doe"})
    paths = AuditEvent.objects.filter(actor=doctor).values_list("path", flat=True)
    assert paths
    assert not any("?" in path for path in paths)
