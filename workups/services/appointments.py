"""Appointments: the family's confirmation, the outcome, and the reminders before it."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from clinics.models import AuditAction, AuditChannel, NotificationKind, User
from clinics.services import ClientRequest, notify
from patients.services import infant_record_audit
from workups.models import (
    OUTCOMES,
    Appointment,
    AppointmentStatus,
    FollowUpKind,
    FollowUpStatus,
    FollowUpTask,
    ReferralStatus,
)
from workups.services.follow_ups import follow_up_ensure
from workups.services.keys import workup_key
from workups.services.recipients import (
    REMINDER_DATETIME,
    caregivers_of,
    clinic_zone,
    family_time,
)
from workups.services.referrals import referral_transition


@transaction.atomic
def appointment_outcome_record(
    *,
    appointment: Appointment,
    outcome: AppointmentStatus,
    recorded_by: User,
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
) -> Appointment:
    """Attended, did not attend or cancelled; a missed appointment puts a call on the worklist."""
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("referral__infant__clinic", "slot")
        .get(pk=appointment.pk)
    )
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": f"Allowed: {', '.join(OUTCOMES)}."})
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError({"outcome": "This appointment already has an outcome."})
    appointment.status = outcome
    appointment.save(update_fields=["status", "updated_at"])
    referral = appointment.referral
    if outcome == AppointmentStatus.ATTENDED:
        referral_transition(referral=referral, to_status=ReferralStatus.CLOSED, actor=recorded_by)
    elif outcome == AppointmentStatus.NO_SHOW:
        follow_up_ensure(
            infant=referral.infant,
            kind=FollowUpKind.CALL_CAREGIVER,
            source_key=workup_key(appointment, "no-show"),
            description=f"Missed the neurology appointment with {appointment.slot}: call.",
            due_at=timezone.now() + timedelta(hours=24),
            created_by=recorded_by,
        )
    infant_record_audit(
        actor=recorded_by,
        action=AuditAction.UPDATE,
        resource="appointment",
        infant=referral.infant,
        object_uuid=appointment.uuid,
        channel=channel,
        request=request,
        detail={"outcome": outcome},
    )
    return appointment


@transaction.atomic
def appointment_confirm(
    *,
    appointment: Appointment,
    confirmed_by: User,
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
) -> Appointment:
    """The family has said they will come; the confirmation call drops off the worklist."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError({"appointment": "Only a booked appointment can be confirmed."})
    if appointment.confirmed_at is None:
        appointment.confirmed_at = timezone.now()
        appointment.save(update_fields=["confirmed_at", "updated_at"])
        FollowUpTask.objects.open().filter(source_key=workup_key(appointment, "confirm")).update(
            status=FollowUpStatus.CANCELLED,
            outcome_note=f"Confirmed by {confirmed_by}",
            completed_at=appointment.confirmed_at,
        )
        infant_record_audit(
            actor=confirmed_by,
            action=AuditAction.UPDATE,
            resource="appointment",
            infant=appointment.referral.infant,
            object_uuid=appointment.uuid,
            channel=channel,
            request=request,
            detail={"confirmed": True},
        )
    return appointment


def appointment_reminders_send(*, now: datetime) -> int:
    """Caregivers hear 24 h and 2 h before an appointment, once each (dedupe keys)."""
    hours = settings.APPOINTMENT_REMINDER_HOURS
    upcoming = (
        Appointment.objects.booked()
        .filter(slot__starts_at__gt=now, slot__starts_at__lte=now + timedelta(hours=max(hours)))
        .select_related("slot", "referral__infant__clinic")
    )
    sent = 0
    for appointment in upcoming:
        left = appointment.slot.starts_at - now
        window = min(h for h in hours if left <= timedelta(hours=h))
        infant = appointment.referral.infant
        when = family_time(
            appointment.slot.starts_at, clinic_zone(appointment.referral), REMINDER_DATETIME
        )
        with transaction.atomic():
            sent += len(
                notify(
                    recipients=caregivers_of(infant),
                    kind=NotificationKind.REMINDER,
                    title=format_lazy(
                        gettext_lazy("Reminder: neurology appointment {when}"), when=when
                    ),
                    body=format_lazy(
                        gettext_lazy("{neurologist}, {location}."),
                        neurologist=appointment.slot.neurologist_name,
                        location=appointment.slot.location,
                    ),
                    link=reverse("workups:portal-appointments"),
                    clinic=infant.clinic,
                    infant_uuid=infant.uuid,
                    dedupe_key=workup_key(appointment, f"reminder-{window}h"),
                    send_sms=True,
                )
            )
    return sent
