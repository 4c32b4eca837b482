import os

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from clinics.services import api_token_issue
from config.celery import app as celery_app
from tests.factories import sign_in_verified
from tests.object_storage import s3_server  # noqa: F401 - a fixture for every test folder


def pytest_addoption(parser):
    parser.addoption(
        "--media-storage",
        choices=["local", "s3"],
        default=None,
        help="where the video tests store media: a local folder (default) or a bucket on a local "
        "S3 server (also TEST_MEDIA_STORAGE=s3)",
    )


# What the tests measured (timings, memory, counts), listed at the end of the run.
MEASUREMENTS: list[str] = []


@pytest.fixture
def measured(request):
    """Report a number the test measured: in the run's closing "measurements" section."""

    def record(line: str) -> None:
        request.node.user_properties.append(("measured", line))
        MEASUREMENTS.append(f"{request.node.nodeid}: {line}")

    return record


def pytest_terminal_summary(terminalreporter):
    if MEASUREMENTS:
        terminalreporter.section("measurements")
        for line in MEASUREMENTS:
            terminalreporter.write_line(line)


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def service_unavailable(reason: str):
    """Without REQUIRE_SERVICES=1 a missing service skips the test; with it, the test fails."""
    if services_required():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        service_unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")
    return connection


@pytest.fixture
def redis_client():
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        service_unavailable("needs Redis: set CELERY_BROKER_URL=redis://...")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        service_unavailable(f"Redis does not answer at {url}")
    return client


@pytest.fixture(autouse=True)
def _language_of_the_previous_request_does_not_leak():
    """LocaleMiddleware activates a language per request and leaves it active in the thread (a
    server's next request activates its own); code a test runs outside a request then reads
    the default language, whatever an earlier test's request chose."""
    yield
    translation.deactivate()


@pytest.fixture
def celery_worker(transactional_db, redis_client):
    """A real Celery worker thread consuming from the Redis broker, tasks no longer eager."""
    if connection.vendor != "postgresql":
        service_unavailable(
            "a worker thread needs PostgreSQL (SQLite test databases are per thread)"
        )
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache, which outlives a test's database transaction."""
    location = settings.CACHES["default"].get("LOCATION")
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = redis.Redis.from_url(location, socket_connect_timeout=2)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        try:
            for key in client.scan_iter(match=f"{prefix}:*", count=500):
                client.delete(key)
        except redis.exceptions.ConnectionError:
            pass
    else:
        cache.clear()


@pytest.fixture
def verified_client(db):
    """A web client signed in as the given user with the second factor verified. Staff pages
    refuse a bare `client.force_login(staff_user)`; use this (or
    tests.factories.sign_in_verified(client, user)) instead."""

    def make(user) -> Client:
        return sign_in_verified(Client(), user)

    return make


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def token_client():
    """An API client signed in with a real token for the given user."""

    def make(user) -> APIClient:
        _, raw_key = api_token_issue(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw_key}")
        return client

    return make


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright; skipped (or failed under REQUIRE_SERVICES=1)
    when it is not installed."""
    if not os.path.exists(CHROMIUM):
        service_unavailable(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield instance
        finally:
            instance.close()
