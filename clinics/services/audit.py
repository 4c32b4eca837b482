"""Audit rows: one per read or write, and the refused accesses with their tally."""

import ipaddress
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from clinics.lockout import lockout_client_address
from clinics.models import (
    AuditAction,
    AuditChannel,
    AuditEvent,
    Clinic,
    DeniedAccessTally,
    User,
)
from clinics.selectors import membership_for
from clinics.services.common import ClientRequest


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    resource: str,
    channel: AuditChannel,
    clinic: Clinic | None = None,
    infant_uuid: UUID | str | None = None,
    infant_uuids: Iterable[UUID | str] = (),
    object_uuid: UUID | str | None = None,
    request: ClientRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Every read or write of an infant's record leaves a row: who (name, role and clinic as they
    are now, kept as they were), clinic, infant or the infants a list showed, action, when and
    from where. Called inside the caller's transaction, so the row and the change it records
    are committed together."""
    membership = membership_for(actor) if actor is not None else None
    if actor is None or not actor.is_authenticated:
        role = "anonymous"
        actor = None
    else:
        role = membership.role if membership else "caregiver"
    event = AuditEvent(
        actor=actor,
        actor_name=str(actor)[:254] if actor is not None else "",
        actor_role=role,
        actor_clinic_name=membership.clinic.name if membership else "",
        clinic=clinic or (membership.clinic if membership else None),
        infant_uuid=infant_uuid,
        infant_uuids=sorted({str(value) for value in infant_uuids}),
        object_uuid=object_uuid,
        action=action,
        resource=resource,
        channel=channel,
        detail=detail or {},
    )
    if request is not None:
        event.method = (request.method or "")[:10]
        # The path only: a query string can name a child (a search by name or MRN).
        event.path = request.path[:500]
        # The same address the lockout counts: a client-written X-Forwarded-For never counts.
        event.client_address = _ip_address_or_none(lockout_client_address(request))
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    event.save()
    return event


def _ip_address_or_none(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def audit_denied(
    *, actor: User, resource: str, channel: AuditChannel, request: ClientRequest, **row: Any
) -> bool:
    """A refusal leaves a `denied` row, at most `AUDIT_DENIED_ROWS_PER_MINUTE` per person and
    minute; past that it is only counted (DeniedAccessTally), so a probing account cannot push
    the real reads out of the trail. Returns whether a row was written."""
    window = timezone.now().replace(second=0, microsecond=0)
    limit = settings.AUDIT_DENIED_ROWS_PER_MINUTE
    with transaction.atomic():
        tally, _ = DeniedAccessTally.objects.get_or_create(actor=actor, window_start=window)
        written = DeniedAccessTally.objects.filter(pk=tally.pk, written__lt=limit).update(
            written=models.F("written") + 1
        )
        if not written:
            DeniedAccessTally.objects.filter(pk=tally.pk).update(
                counted_only=models.F("counted_only") + 1
            )
            return False
        detail = row.pop("detail", None) or {}
        if tally.written + 1 == limit:
            detail["limit_reached"] = f"further refusals this minute are only counted ({limit})"
        audit_record(
            actor=actor,
            action=AuditAction.DENIED,
            resource=resource,
            channel=channel,
            request=request,
            detail=detail,
            **row,
        )
    return True
