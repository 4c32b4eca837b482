"""Every browser test's own logs are checked. What the live server and the worker log (their
threads), captured through the production JSON formatter, must be JSON objects with a request
id on every line written while a request or a task runs; nothing logged, by them or by the
test's own direct calls into the services, may name any infant or caregiver in the test's
database (names, MRNs, emails, phone numbers). The lines are kept under var/e2e-logs/ (CI keeps
them as artefacts)."""

import logging
import logging.config
import threading
from pathlib import Path

import pytest
from django.conf import settings

from tests.log_capture import CapturedLogs, logs_captured, personal_strings, personal_strings_in

E2E_LOGS = Path(settings.BASE_DIR) / "var" / "e2e-logs"
# The worker's own lines written outside any request or task (connected to the broker, a
# message received before its task starts) have no request to name; django-structlog's
# task_received line for the same message carries the enqueuing request's id.
WORKER_LIFECYCLE = ("celery.worker.", "celery.apps.")


def _in_test_thread(record: logging.LogRecord) -> bool:
    return record.thread == threading.main_thread().ident


@pytest.fixture(autouse=True)
def _sign_ins_not_rate_limited(settings):
    """The journeys sign the same people in again at every screen size they check, a dozen
    sign-ins from one address within a minute on a fast machine: past the per-address sign-in
    limit (10 a minute), which tests/security/test_rate_limits.py tests on its own."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "1000/min",
        },
    }


@pytest.fixture(autouse=True)
def e2e_logs_without_personal_data(request, monkeypatch, transactional_db):
    # Set up after the database and torn down before it is flushed, so the test's infants and
    # caregivers are still there to look for; set up before the live server and the worker, so
    # everything they log is captured.
    with logs_captured() as served:
        served.handler.addFilter(lambda record: not _in_test_thread(record))
        driver = CapturedLogs()  # the test's own calls (arranging data, running a sweep)
        driver.handler.addFilter(_in_test_thread)
        root = logging.getLogger()
        root.addHandler(driver.handler)
        # A worker the test starts configures logging again (Celery's Django fixup runs
        # django.setup(), and config/celery.py answers setup_logging, both with
        # dictConfig(LOGGING), which replaces the root logger's handlers): the capture is put
        # back after every such call.
        configure = logging.config.dictConfig

        def configure_and_keep_capturing(config: dict) -> None:
            configure(config)
            root.addHandler(served.handler)
            root.addHandler(driver.handler)
            root.setLevel(logging.INFO)

        monkeypatch.setattr(logging.config, "dictConfig", configure_and_keep_capturing)
        try:
            yield served
        finally:
            monkeypatch.undo()
            root.removeHandler(driver.handler)
        lines = served.lines
        E2E_LOGS.mkdir(parents=True, exist_ok=True)
        (E2E_LOGS / f"{request.node.name}.jsonl").write_text("\n".join(lines) + "\n")
        events = served.events()
        assert events, "the browser test logged nothing: is logging configured?"
        without_id = [
            event
            for event in events
            if not event.get("request_id") and not event["logger"].startswith(WORKER_LIFECYCLE)
        ]
        assert without_id == [], f"log lines without a request id: {without_id[:3]}"
        everything = "\n".join(lines + driver.lines)
        found = personal_strings_in(everything, personal_strings())
        assert found == [], f"personal data in the browser test's logs: {found[:10]}"
