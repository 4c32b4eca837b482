"""Every browser test's own logs are checked: the live server's and the worker's lines, captured
through the production JSON formatter, must be JSON objects with a request id and must not name
any infant or caregiver in the test's database (names, MRNs, emails, phone numbers). The lines
are also kept under var/e2e-logs/ (CI keeps them as artefacts)."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.log_capture import logs_captured, personal_strings, personal_strings_in

E2E_LOGS = Path(settings.BASE_DIR) / "var" / "e2e-logs"


@pytest.fixture(autouse=True)
def e2e_logs_without_personal_data(request, transactional_db):
    # Set up after the database and torn down before it is flushed, so the test's infants and
    # caregivers are still there to look for; set up before the live server and the worker, so
    # everything they log is captured.
    with logs_captured() as captured:
        yield captured
        lines = captured.lines
        E2E_LOGS.mkdir(parents=True, exist_ok=True)
        (E2E_LOGS / f"{request.node.name}.jsonl").write_text("\n".join(lines) + "\n")
        events = captured.events()
        assert events, "the browser test logged nothing: is logging configured?"
        without_id = [event for event in events if not event.get("request_id")]
        assert without_id == [], f"log lines without a request id: {without_id[:3]}"
        personal = personal_strings()
        found = personal_strings_in("\n".join(lines), personal)
        assert found == [], f"personal data in the browser test's logs: {found[:10]}"
