"""Log capture through the production JSON formatter, and the personal strings no line may hold.

Used by the log tests (tests/operations/test_logs.py) and by every browser test
(tests/e2e/conftest.py), so the e2e run's own logs are checked as well as a scripted one."""

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from clinics.models import User
from config.structured_logging import formatter
from patients.models import Infant


class CapturedLogs:
    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(formatter(json=True))

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stream.getvalue().splitlines() if line.strip()]

    def events(self) -> list[dict]:
        """Every line parsed: a line that is not one JSON object fails here."""
        return [json.loads(line) for line in self.lines]

    def clear(self) -> None:
        self.stream.truncate(0)
        self.stream.seek(0)


@contextmanager
def logs_captured() -> Iterator[CapturedLogs]:
    """Everything logged at INFO and above, in every thread, through the formatter production
    uses."""
    root = logging.getLogger()
    captured = CapturedLogs()
    level = root.level
    root.addHandler(captured.handler)
    root.setLevel(logging.INFO)
    try:
        yield captured
    finally:
        root.removeHandler(captured.handler)
        root.setLevel(level)
        structlog.contextvars.clear_contextvars()


def personal_strings() -> set[str]:
    """Every infant's names and MRN and every caregiver's name, email and phone in the database."""
    strings = set()
    for given, family, mrn in Infant.objects.values_list("given_name", "family_name", "mrn"):
        strings |= {given, family, f"{given} {family}", mrn}
    for full_name, email, phone in User.objects.filter(guardianships__isnull=False).values_list(
        "full_name", "email", "phone"
    ):
        strings |= {full_name, email, phone}
    return {s for s in strings if s and len(s) >= 3}


def personal_strings_in(text: str, personal: set[str]) -> list[str]:
    return sorted(
        s for s in personal if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text, re.IGNORECASE)
    )
