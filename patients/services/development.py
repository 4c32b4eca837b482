"""Developmental milestones recorded and the clinician's override of the development status."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinics.models import AuditAction, AuditChannel, User
from clinics.services import (
    ClientRequest,
)
from patients.models import (
    DevelopmentStatus,
    Infant,
    MilestoneEntry,
)
from patients.selectors import infant_development_status
from patients.services.infants import (
    _request_assessment_if_development_changed,
    infant_record_audit,
)


@transaction.atomic
def milestone_record(
    *,
    infant: Infant,
    recorded_by: User,
    milestone: str,
    status: str,
    observed_on: date,
    note: str = "",
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> MilestoneEntry:
    """An entry in the developmental log, observed between birth and today."""
    errors = {}
    if observed_on > timezone.localdate():
        errors["observed_on"] = "The date observed cannot be in the future."
    elif observed_on < infant.born_on:
        errors["observed_on"] = "The date observed cannot be before the date of birth."
    if errors:
        raise ValidationError(errors)
    entry = MilestoneEntry(
        infant=infant,
        milestone=milestone,
        status=status,
        observed_on=observed_on,
        note=note,
        recorded_by=recorded_by,
    )
    status_before = infant_development_status(infant)
    entry.full_clean()
    entry.save()
    _request_assessment_if_development_changed(infant, status_before, requested_by=recorded_by)
    infant_record_audit(
        actor=recorded_by,
        action=AuditAction.CREATE,
        resource="milestone_entry",
        channel=channel,
        infant=infant,
        object_uuid=entry.uuid,
        request=request,
        detail={"milestone": milestone, "status": status},
    )
    return entry


@transaction.atomic
def infant_development_override(
    *,
    infant: Infant,
    status: DevelopmentStatus | str,
    reason: str,
    set_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Infant:
    """A clinician sets the development status with a reason; a blank status returns the
    decision to the milestone log."""
    reason = reason.strip()
    if status and not reason:
        raise ValidationError({"development_override_reason": "Give the reason for the status."})
    status_before = infant_development_status(infant)
    infant.development_status_override = status or ""
    infant.development_override_reason = reason if status else ""
    infant.full_clean()
    infant.save(
        update_fields=["development_status_override", "development_override_reason", "updated_at"]
    )
    _request_assessment_if_development_changed(infant, status_before, requested_by=set_by)
    infant_record_audit(
        actor=set_by,
        action=AuditAction.UPDATE,
        resource="infant",
        channel=channel,
        infant=infant,
        object_uuid=infant.uuid,
        request=request,
        detail={"fields": ["development_status_override"], "status": status or "from_log"},
    )
    return infant
