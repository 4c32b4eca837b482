"""JSON log lines with a request id on every line, and nothing in them that names a patient.

Every line, from structlog or from the standard library (Django, Celery, gunicorn), goes through
the same processors: the request id and user id bound by django-structlog's middleware (or the
task id and the enqueuing request's id in a Celery task) are merged in, query strings are cut
from anything that looks like a path, and values of keys that carry personal data are dropped.
Log calls in this code base pass identifiers (UUIDs), never names, MRNs, emails or phone numbers;
the redaction is the second line of defence, and tests/test_operations.py greps a realistic run
for the demo infants' names and MRNs.
"""

import logging
import re

import structlog
from django.conf import settings
from django_structlog.middlewares import RequestMiddleware as StructlogRequestMiddleware
from structlog.typing import Processor

# Keys whose values are personal data wherever they appear in an event.
PERSONAL_KEYS = frozenset(
    {
        "email",
        "username",
        "name",
        "given_name",
        "family_name",
        "first_name",
        "last_name",
        "full_name",
        "mrn",
        "phone",
        "password",
        "otp",
        "token",
        "body",
        "notes",
    }
)
REDACTED = "[redacted]"
# "GET /api/v1/infants/?search=Noah" -> "GET /api/v1/infants/"
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
# PostgreSQL's "DETAIL:  Key (mrn)=(NS-0001) already exists." names the duplicated value.
_KEY_DETAIL = re.compile(r"Key \(([^)]*)\)=\([^)]*\)")


def redact_text(text: str) -> str:
    """Query strings and duplicated-key values removed from one string."""
    return _KEY_DETAIL.sub(r"Key (\1)=([redacted])", _QUERY.sub(r"\1", text))


def redact_personal_data(logger, method_name, event_dict):
    """structlog processor: drops personal values, cuts query strings, and redacts the values
    PostgreSQL quotes in constraint errors (also in rendered tracebacks)."""
    for key in list(event_dict):
        value = event_dict[key]
        if key in PERSONAL_KEYS:
            event_dict[key] = REDACTED
        elif isinstance(value, str):
            event_dict[key] = redact_text(value)
    return event_dict


def request_id_of_task(logger, method_name, event_dict):
    """A task enqueued by a request logs that request's id; one started by beat (no request)
    uses its own task id, so every line of a task can be followed."""
    if not event_dict.get("request_id") and event_dict.get("task_id"):
        event_dict["request_id"] = event_dict["task_id"]
    return event_dict


SHARED_PROCESSORS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    request_id_of_task,
]


def formatter(json: bool = True) -> logging.Formatter:
    """The formatter of every handler: JSON lines (production, tests) or coloured key=value."""
    renderer = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*SHARED_PROCESSORS, structlog.stdlib.PositionalArgumentsFormatter()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_personal_data,
            renderer,
        ],
    )


def logging_config(*, level: str, json: bool) -> dict:
    """The LOGGING setting: one console handler on the root logger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": formatter, "json": json}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django-structlog's request lines replace Django's own 4xx/5xx lines.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


class RequestLogMiddleware(StructlogRequestMiddleware):
    """django-structlog's request lines, naming the path without its query string (a search
    for an infant puts the infant's name there), and the request id echoed in the response so
    gunicorn's access line and the client can quote it."""

    def prepare(self, request) -> None:
        super().prepare(request)
        if settings.SENTRY_DSN:
            import sentry_sdk

            sentry_sdk.set_tag("request_id", structlog.contextvars.get_contextvars()["request_id"])

    @staticmethod
    def format_request(request) -> str:
        return f"{request.method} {request.path}"

    def handle_response(self, request, response) -> None:
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            response["X-Request-ID"] = request_id
        super().handle_response(request, response)
