"""Optional error tracking with Sentry (or any Sentry-compatible service), on only when
SENTRY_DSN is set. Nothing that could name a patient leaves the clinic: the scrubber keeps what
finds the bug (the exception's type, the stack's files, functions and lines, the request's method
and path, the release, the request id) and removes everything else an event can carry: exception
messages (a database error quotes the duplicated value), local variables, request bodies, query
strings, cookies and headers, the user beyond an id, breadcrumb messages and SQL parameters, and
free-form extra data.
"""

import logging
import re
from collections.abc import Callable
from typing import cast

from config.structured_logging import redact_text

REDACTED = "[redacted]"
_KEPT_HEADERS = {"content-type", "content-length", "x-request-id", "user-agent"}
_KEPT_TAGS = {"request_id", "task_id", "task_name", "transaction", "url", "level", "server_name"}
_SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _scrub_frames(stacktrace: dict | None) -> None:
    for frame in (stacktrace or {}).get("frames", []):
        frame.pop("vars", None)
        # Source lines are code, not data; they stay. The arguments' values went with vars.


def _path_only(url: str) -> str:
    return redact_text(url.split("#", 1)[0]).split("?", 1)[0]


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """before_send / before_send_transaction: the event with every personal datum removed."""
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = REDACTED
        _scrub_frames(exception.get("stacktrace"))
    for thread in (event.get("threads") or {}).get("values", []):
        _scrub_frames(thread.get("stacktrace"))
    if "logentry" in event:
        # The template of a log call is code; its arguments are data.
        entry = event["logentry"]
        event["logentry"] = {"message": redact_text(str(entry.get("message", ""))), "params": []}
    if "message" in event and isinstance(event["message"], str):
        event["message"] = REDACTED
    request = event.get("request")
    if request:
        event["request"] = {
            "method": request.get("method"),
            "url": _path_only(request.get("url", "")),
            "headers": {
                name: value
                for name, value in (request.get("headers") or {}).items()
                if name.lower() in _KEPT_HEADERS
            },
        }
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    if "transaction" in event:
        event["transaction"] = _path_only(str(event["transaction"]))
    event.pop("extra", None)
    contexts = event.get("contexts") or {}
    event["contexts"] = {
        name: value for name, value in contexts.items() if name in ("runtime", "os", "trace")
    }
    event["tags"] = {
        name: value for name, value in (event.get("tags") or {}).items() if name in _KEPT_TAGS
    }
    breadcrumbs = event.get("breadcrumbs")
    if breadcrumbs:
        values = breadcrumbs.get("values", breadcrumbs) if isinstance(breadcrumbs, dict) else []
        kept = [
            {
                "category": crumb.get("category"),
                "level": crumb.get("level"),
                "timestamp": crumb.get("timestamp"),
                "type": crumb.get("type"),
            }
            for crumb in values
        ]
        event["breadcrumbs"] = {"values": kept}
    for span in event.get("spans") or []:
        description = redact_text(str(span.get("description", "")))
        span["description"] = _UUID.sub("<id>", _SQL_LITERAL.sub("'?'", description))
        span.pop("data", None)
    return event


def error_tracking_init(*, dsn: str, environment: str, release: str, traces: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.types import Event, Hint

    # An event is a plain dict at run time; scrub_event reads and rewrites it as one.
    scrub = cast("Callable[[Event, Hint], Event | None]", scrub_event)
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces,
        before_send=scrub,
        before_send_transaction=scrub,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            # Log lines are JSON on stdout already; only errors become events.
            LoggingIntegration(event_level=logging.ERROR),
        ],
    )
