"""Episodes as caregivers and clinicians record them: validation, logging, the clinician's
review, and idempotent retries of the same request."""

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from clinics.models import AuditAction, AuditChannel, User
from clinics.services import ClientRequest
from episodes.models import (
    EPISODE_CHOICE_FIELDS,
    EPISODE_LIST_FIELDS,
    Episode,
    IdempotencyKey,
)
from patients.models import Infant
from patients.services import (
    CLINICIAN_REQUEST,
    NEW_EPISODE,
    infant_record_audit,
    infant_request_assessment,
)

logger = logging.getLogger(__name__)


EPISODE_ANSWER_FIELDS = (
    "duration_s",
    *EPISODE_CHOICE_FIELDS,
    "episodes_per_day",
    *EPISODE_LIST_FIELDS,
    "temperature_c",
    "notes",
)
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


def _validate_episode(episode: Episode) -> None:
    errors = {}
    for name, vocabulary in EPISODE_LIST_FIELDS.items():
        value = getattr(episode, name)
        if not isinstance(value, list):
            errors[name] = "Must be a list."
            continue
        unknown = [code for code in value if code not in vocabulary.values]
        if unknown:
            errors[name] = (
                f"Unknown value(s) {', '.join(map(str, unknown))}; "
                f"allowed: {', '.join(vocabulary.values)}."
            )
        elif len(set(value)) != len(value):
            errors[name] = "Each value may appear once."
    if episode.started_at and episode.started_at > timezone.now() + CLOCK_SKEW:
        errors["started_at"] = gettext("The episode cannot start in the future.")
    elif episode.started_at and episode.started_at < episode.infant.born_at - CLOCK_SKEW:
        errors["started_at"] = gettext("The episode cannot start before the infant was born.")
    if errors:
        raise ValidationError(errors)
    # Field validation checks every answer against its vocabulary (the fields' choices), which is
    # what the table's CHECK constraints say too; Django would re-check each constraint with its
    # own SELECT inside a savepoint (15 of them, 45 queries), and the FKs and the fresh uuid with
    # three more. The caller hands over loaded rows, and PostgreSQL enforces all of it again on
    # INSERT, so the model-level re-checks are skipped.
    episode.full_clean(
        exclude=["infant", "reported_by"], validate_unique=False, validate_constraints=False
    )


def _episode_logged_effects(episode: Episode) -> None:
    logger.info("episode %s logged for infant %s", episode.uuid, episode.infant.uuid)


@transaction.atomic
def episode_log(
    *,
    infant: Infant,
    reported_by: User,
    started_at: datetime,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.API,
    **answers: Any,
) -> Episode:
    """Record an episode as reported: unknown answers stay blank (never "normal"), and every
    answer must come from the vocabulary of CLINICAL_CRITERIA.md section 1."""
    unexpected = set(answers) - set(EPISODE_ANSWER_FIELDS)
    if unexpected:
        raise TypeError(f"Unknown episode fields: {sorted(unexpected)}")
    answers = {name: value for name, value in answers.items() if value is not None}
    episode = Episode(infant=infant, reported_by=reported_by, started_at=started_at, **answers)
    _validate_episode(episode)
    episode.save()
    infant_record_audit(
        actor=reported_by,
        action=AuditAction.CREATE,
        resource="episode",
        infant=infant,
        channel=channel,
        object_uuid=episode.uuid,
        request=request,
    )
    # Every new episode is scored with the infant's last 14 days (in the same transaction, so a
    # crash between the two cannot lose the request).
    infant_request_assessment(infant=infant, trigger=NEW_EPISODE, requested_by=reported_by)
    transaction.on_commit(lambda: _episode_logged_effects(episode))
    return episode


@transaction.atomic
def episode_clinician_review(
    *,
    episode: Episode,
    reviewed_by: User,
    oscillation: str = "",
    rate_hz_est: float | None = None,
    clinician_notes: str = "",
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.API,
) -> Episode:
    """A clinician's reading of the video; the caregiver's own answers are left as reported. A
    rated oscillation or rate marks the episode clinician-reviewed, so the engine trusts the
    reading over the caregiver's answers, and the infant is re-assessed."""
    episode.oscillation = oscillation or ""
    episode.rate_hz_est = rate_hz_est
    episode.clinician_notes = clinician_notes or ""
    episode.clinician_reviewed = bool(episode.oscillation) or rate_hz_est is not None
    episode.reviewed_by = reviewed_by
    episode.reviewed_at = timezone.now()
    episode.full_clean()
    episode.save(
        update_fields=[
            "oscillation",
            "rate_hz_est",
            "clinician_notes",
            "clinician_reviewed",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    infant_request_assessment(
        infant=episode.infant, trigger=CLINICIAN_REQUEST, requested_by=reviewed_by
    )
    infant_record_audit(
        actor=reviewed_by,
        action=AuditAction.UPDATE,
        resource="episode",
        infant=episode.infant,
        channel=channel,
        object_uuid=episode.uuid,
        request=request,
        detail={"fields": ["oscillation", "rate_hz_est", "clinician_notes"]},
    )
    return episode


class IdempotencyKeyReused(Exception):
    """The same key came with a different request."""


def request_fingerprint(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def idempotent_response(
    *, user: User, key: str, fingerprint: str, run: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any]]:
    """A retried request carrying the same key gets the first response instead of a second
    write. The key row is inserted first, so a concurrent retry waits on the unique index
    until the first commits, then replays it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, key=key, request_fingerprint=fingerprint
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=user, key=key)
            if record.request_fingerprint != fingerprint:
                raise IdempotencyKeyReused(key) from None
            # The first request's answer, stored before this transaction could see the row.
            assert record.response_status is not None
            return record.response_status, record.response_body or {}
        status, body = run()
        record.response_status = status
        record.response_body = body
        record.save(update_fields=["response_status", "response_body"])
        return status, body
