"""Every browser test's own logs are checked: the live server's and the worker's lines, captured
through the production JSON formatter, must be JSON objects, with a request id on every line
written while a request or a task runs, and must not name any infant or caregiver in the test's
database (names, MRNs, emails, phone numbers). The lines
are also kept under var/e2e-logs/ (CI keeps them as artefacts)."""

import logging
import logging.config
from pathlib import Path

import pytest
from django.conf import settings

from tests.log_capture import logs_captured, personal_strings, personal_strings_in

E2E_LOGS = Path(settings.BASE_DIR) / "var" / "e2e-logs"
# The worker's own lines written outside any request or task (connected to the broker, a
# message received before its task starts) have no request to name; django-structlog's
# task_received line for the same message carries the enqueuing request's id.
WORKER_LIFECYCLE = ("celery.worker.", "celery.apps.")


@pytest.fixture(autouse=True)
def e2e_logs_without_personal_data(request, monkeypatch, transactional_db):
    # Set up after the database and torn down before it is flushed, so the test's infants and
    # caregivers are still there to look for; set up before the live server and the worker, so
    # everything they log is captured.
    with logs_captured() as captured:
        # A worker the test starts configures logging again (Celery's Django fixup runs
        # django.setup(), and config/celery.py answers setup_logging, both with
        # dictConfig(LOGGING), which replaces the root logger's handlers): the capture is put
        # back after every such call.
        configure = logging.config.dictConfig

        def configure_and_keep_capturing(config: dict) -> None:
            configure(config)
            root = logging.getLogger()
            root.addHandler(captured.handler)
            root.setLevel(logging.INFO)

        monkeypatch.setattr(logging.config, "dictConfig", configure_and_keep_capturing)
        yield captured
        monkeypatch.undo()
        lines = captured.lines
        E2E_LOGS.mkdir(parents=True, exist_ok=True)
        (E2E_LOGS / f"{request.node.name}.jsonl").write_text("\n".join(lines) + "\n")
        events = captured.events()
        assert events, "the browser test logged nothing: is logging configured?"
        without_id = [
            event
            for event in events
            if not event.get("request_id") and not event["logger"].startswith(WORKER_LIFECYCLE)
        ]
        assert without_id == [], f"log lines without a request id: {without_id[:3]}"
        personal = personal_strings()
        found = personal_strings_in("\n".join(lines), personal)
        assert found == [], f"personal data in the browser test's logs: {found[:10]}"
