"""Error tracking is off unless SENTRY_DSN is set, and what it would send names no patient."""

import json
import subprocess
import sys

import sentry_sdk

from config.error_tracking import scrub_event

NAME, FAMILY, MRN = "Zoryana", "Kovalenko-Tran", "NOR-0042"
EMAIL, PHONE = "zoryana.parent@family.example", "+15550199"


def _synthetic_event() -> dict:
    """An event as sentry-sdk's Django, Celery and logging integrations build it, with personal
    data in every place one can reach."""
    return {
        "event_id": "a" * 32,
        "level": "error",
        "message": f"could not register {NAME} {FAMILY}",
        "logentry": {"message": "infant %s failed", "params": [MRN]},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": f"duplicate key value: Key (clinic_id, mrn)=(3, {MRN}) exists",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "patients/services.py",
                                "function": "infant_register",
                                "lineno": 41,
                                "context_line": "infant.save()",
                                "vars": {"given_name": NAME, "mrn": MRN, "email": EMAIL},
                            }
                        ]
                    },
                }
            ]
        },
        "threads": {"values": [{"stacktrace": {"frames": [{"vars": {"phone": PHONE}}]}}]},
        "request": {
            "method": "POST",
            "url": f"https://clinic.example/infants/?search={NAME}",
            "query_string": f"search={NAME}",
            "data": {"given_name": NAME, "family_name": FAMILY, "mrn": MRN},
            "cookies": {"sessionid": "abc"},
            "headers": {
                "Cookie": "sessionid=abc",
                "Authorization": "Token secret",
                "Referer": f"https://clinic.example/infants/?search={FAMILY}",
                "X-Request-ID": "req-1",
                "Content-Type": "application/json",
            },
            "env": {"REMOTE_ADDR": "10.0.0.8"},
        },
        "user": {"id": "17", "email": EMAIL, "username": EMAIL, "ip_address": "10.0.0.8"},
        "extra": {"infant": f"{NAME} {FAMILY}", "sys.argv": ["manage.py"]},
        "contexts": {
            "runtime": {"name": "CPython", "version": "3.11"},
            "celery": {"task_args": [MRN], "task_kwargs": {"name": NAME}},
        },
        "tags": {"request_id": "req-1", "infant_name": NAME},
        "breadcrumbs": {
            "values": [
                {
                    "category": "query",
                    "message": f"SELECT ... WHERE mrn = '{MRN}'",
                    "data": {"params": [MRN]},
                    "level": "info",
                    "timestamp": "2026-12-01T20:00:00Z",
                },
                {"category": "log", "message": f"SMS to {PHONE}", "level": "info"},
            ]
        },
        "transaction": f"/infants/?search={NAME}",
        "spans": [
            {
                "description": f"SELECT * FROM patients_infant WHERE mrn = '{MRN}'",  # noqa: S608
                "data": {"db.params": [MRN]},
            }
        ],
    }


def test_the_scrubber_removes_every_personal_datum_and_keeps_what_finds_the_bug():
    scrubbed = scrub_event(_synthetic_event(), {})
    text = json.dumps(scrubbed)
    for personal in (NAME, FAMILY, MRN, EMAIL, PHONE, "secret", "sessionid", "10.0.0.8"):
        assert personal not in text, personal
    exception = scrubbed["exception"]["values"][0]
    assert exception["type"] == "IntegrityError"
    frame = exception["stacktrace"]["frames"][0]
    assert (frame["filename"], frame["function"], frame["lineno"]) == (
        "patients/services.py",
        "infant_register",
        41,
    )
    assert scrubbed["request"]["method"] == "POST"
    assert scrubbed["request"]["url"] == "https://clinic.example/infants/"
    assert scrubbed["request"]["headers"]["X-Request-ID"] == "req-1"
    assert scrubbed["user"] == {"id": "17"}
    assert scrubbed["tags"] == {"request_id": "req-1"}
    assert scrubbed["contexts"] == {"runtime": {"name": "CPython", "version": "3.11"}}
    assert [c["category"] for c in scrubbed["breadcrumbs"]["values"]] == ["query", "log"]


def test_error_tracking_is_off_without_a_dsn(settings):
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.is_initialized()


SDK_RUN = """
import json, sentry_sdk
from config.error_tracking import error_tracking_init
sent = []
class KeepingTransport(sentry_sdk.transport.Transport):
    def capture_envelope(self, envelope):
        sent.extend(item.payload.json for item in envelope.items if item.payload.json)
error_tracking_init(dsn="https://public@errors.invalid/1", environment="test", release="",
                    traces=0.0)
client = sentry_sdk.get_client()
client.transport = KeepingTransport(client.options)
try:
    raise ValueError("could not find %s (%s)" % (NAME, MRN))
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush()
print(json.dumps(sent))
"""


def test_the_sdk_sends_scrubbed_events_when_a_dsn_is_set():
    """A real sentry-sdk client (in its own process: its integrations patch Django for good)
    with a transport that keeps what it would send."""
    script = f"NAME, MRN = {NAME!r}, {MRN!r}\n" + SDK_RUN
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    sent = json.loads(run.stdout.strip().splitlines()[-1])
    assert sent, "nothing was captured"
    text = json.dumps(sent)
    assert NAME not in text
    assert MRN not in text
    assert "ValueError" in text
