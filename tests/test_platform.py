"""The platform: schema and docs, health, the demo seed, and the real services."""

import io
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clinics.models import ApiToken, Clinic, Membership, User
from clinics.tasks import api_tokens_purge_task
from tests.conftest import services_required
from tests.factories import staff


@pytest.mark.django_db
def test_api_root_lists_entry_points(api_client):
    response = api_client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["auth_token"].endswith("/api/v1/auth/token/")


@pytest.mark.django_db
def test_openapi_schema_is_openapi_3(api_client):
    response = api_client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]


@pytest.mark.django_db
def test_api_docs_serve_their_assets_locally(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr" not in html
    assert "unpkg" not in html


@pytest.mark.django_db
def test_healthz_reports_each_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert {"broker", "worker", "status"} <= set(body)


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_down(client, postgres):
    # Point the live connection at a port where nothing listens: a real failed connection.
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    settings_dict["PORT"] = "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Clinic.objects.values_list("slug", flat=True)) >= {"northside", "riverside"}
    for slug in ("northside", "riverside"):
        for role in ("admin", "pediatrician", "nurse"):
            user = User.objects.get(email=f"{role}@{slug}.example")
            assert user.check_password("demo-password-1")
    assert Membership.objects.filter(clinic__slug="northside").count() == 3
    assert (
        User.objects.filter(email__endswith=".example").exclude(email__startswith="parent").count()
        == 6
    )


def test_database_is_postgresql_when_services_are_required(db):
    if not services_required():
        pytest.skip("REQUIRE_SERVICES is not set")
    assert connection.vendor == "postgresql"


def test_broker_is_redis_when_services_are_required(redis_client):
    assert redis_client.ping()


def test_real_celery_worker_completes_a_task_end_to_end(celery_worker):
    user = staff()
    stale = ApiToken.objects.create(
        user=user,
        key_digest="a" * 64,
        prefix="aaaaaaaa",
        expires_at=timezone.now() - timezone.timedelta(days=90),
    )
    fresh = ApiToken.objects.create(
        user=user,
        key_digest="b" * 64,
        prefix="bbbbbbbb",
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    api_tokens_purge_task.delay()
    deadline = time.monotonic() + 20
    while ApiToken.objects.filter(pk=stale.pk).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not ApiToken.objects.filter(pk=stale.pk).exists(), "the worker did not run the task"
    assert ApiToken.objects.filter(pk=fresh.pk).exists()


@pytest.mark.django_db
def test_seed_demo_adds_infants_caregivers_twins_and_a_regression_without_duplicates():
    from patients.models import Infant, MilestoneEntry
    from patients.selectors import infant_development_status, infants_visible_to

    call_command("seed_demo", stdout=io.StringIO())
    entries = MilestoneEntry.objects.count()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "parent1@northside.example" in out.getvalue()
    assert MilestoneEntry.objects.count() == entries
    for slug in ("northside", "riverside"):
        infants = Infant.objects.filter(clinic__slug=slug)
        assert infants.count() == 20
        ages = sorted(infant.age_hours for infant in infants)
        assert ages[0] < 72
        assert ages[-1] > 360 * 24
        assert any(infant.is_preterm for infant in infants)
        parent = User.objects.get(email=f"parent1@{slug}.example")
        assert parent.check_password("demo-password-1")
        assert infants_visible_to(parent).count() == 2
        statuses = {infant_development_status(infant) for infant in infants}
        assert "regression" in statuses


@pytest.mark.django_db
def test_demo_staff_sign_in_with_the_printed_authenticator_secret():
    from base64 import b32decode

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    secret = output.getvalue().split("authenticator secret (TOTP, any app): ")[1].split()[0]
    key = b32decode(secret + "=" * (-len(secret) % 8))
    device = TOTPDevice.objects.get(user__email="pediatrician@northside.example")
    assert device.bin_key == key
    assert device.verify_token(f"{totp(key):06d}")
