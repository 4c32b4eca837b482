"""Neurology referrals: every status change goes through `referral_transition` (the
REFERRAL_TRANSITIONS table, one ReferralEvent per move); booking takes the earliest free slot."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from assessments.models import Assessment
from clinics.models import AuditAction, AuditChannel, NotificationKind, Role, User
from clinics.services import ClientRequest, notify
from clinics.tasks_dispatch import enqueue_on_commit
from config.faults import fault_checkpoint
from patients.models import Infant
from patients.services import infant_record_audit
from workups.models import (
    REFERRAL_START_STATUSES,
    REFERRAL_TRANSITIONS,
    URGENCY_FOR_TRIAGE,
    Appointment,
    AppointmentStatus,
    FollowUpKind,
    FollowUpStatus,
    FollowUpTask,
    NeurologySlot,
    Priority,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferralUrgency,
)
from workups.services.follow_ups import follow_up_ensure
from workups.services.keys import workup_key
from workups.services.recipients import (
    APPOINTMENT_DATETIME,
    caregivers_of,
    clinic_staff,
    clinic_zone,
    family_time,
)

BOOK_REFERRAL_TASK = "workups.book_referral"
BOOKABLE_REFERRAL_STATUSES = (ReferralStatus.AWAITING_BOOKING, ReferralStatus.ESCALATED)


@transaction.atomic
def referral_transition(
    *,
    referral: Referral,
    to_status: ReferralStatus,
    actor: User | None,
    note: str = "",
    at: datetime | None = None,
    update_fields: tuple[str, ...] = (),
) -> Referral:
    """A referral moves only along REFERRAL_TRANSITIONS (a new one only into a starting status);
    every move, its creation included, is a ReferralEvent with who and when. `update_fields` names
    the other fields the caller changed on the referral for this move."""
    at = at or timezone.now()
    if referral.pk is None:
        from_status = ""
        allowed = REFERRAL_START_STATUSES
    else:
        from_status = (
            Referral.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=referral.pk)
        )
        allowed = REFERRAL_TRANSITIONS[from_status]
    if to_status not in allowed:
        became = ReferralStatus(from_status).label.lower() if from_status else "new"
        raise ValidationError(
            {
                "status": f"A referral that is {became} cannot become {to_status}; "
                f"allowed: {', '.join(sorted(allowed)) or 'none'}."
            }
        )
    referral.status = to_status
    referral.full_clean()
    if from_status:
        referral.save(update_fields=["status", *update_fields, "updated_at"])
    else:
        referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        occurred_at=at,
        note=note[:300],
    )
    return referral


def referral_deadline(urgency: str, *, now: datetime) -> datetime:
    return now + timedelta(hours=settings.REFERRAL_DEADLINE_HOURS[urgency])


@transaction.atomic
def referral_create(
    *,
    infant: Infant,
    created_by: User,
    reason: str,
    urgency: ReferralUrgency | None = None,
    assessment: Assessment | None = None,
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
    now: datetime | None = None,
) -> Referral:
    """The urgency follows the triage unless the pediatrician sets it; an emergency is never booked
    (the instruction is to go to the emergency department now); anything else is booked by a task
    after commit."""
    now = now or timezone.now()
    if assessment is not None and assessment.infant_id != infant.pk:
        raise ValidationError({"assessment": "That assessment is about another infant."})
    if urgency is None:
        latest = assessment or Assessment.objects.for_infant(infant).latest_first().first()
        urgency = URGENCY_FOR_TRIAGE.get(latest.triage if latest else "", ReferralUrgency.ROUTINE)
    emergency = urgency == ReferralUrgency.EMERGENCY
    referral = Referral(
        infant=infant,
        urgency=urgency,
        deadline=referral_deadline(urgency, now=now),
        reason=reason,
        assessment=assessment,
        created_by=created_by,
        created_at=now,
    )
    referral_transition(
        referral=referral,
        to_status=ReferralStatus.EMERGENCY_DEPARTMENT
        if emergency
        else ReferralStatus.AWAITING_BOOKING,
        actor=created_by,
        at=now,
    )
    infant_record_audit(
        actor=created_by,
        action=AuditAction.CREATE,
        resource="referral",
        infant=infant,
        object_uuid=referral.uuid,
        channel=channel,
        request=request,
        detail={"urgency": urgency},
    )
    if emergency:
        follow_up_call_family_now(referral=referral, now=now)
    else:
        enqueue_on_commit(BOOK_REFERRAL_TASK, referral_id=referral.pk)
    return referral


def follow_up_call_family_now(*, referral: Referral, now: datetime) -> FollowUpTask:
    """An emergency referral is an instruction the family must hear now: a stat call goes to the
    clinic's nurses, and comes back to the pediatrician if it is still undone after
    FOLLOW_UP_STAT_ESCALATE_MINUTES."""
    infant = referral.infant
    task, created = follow_up_ensure(
        infant=infant,
        kind=FollowUpKind.CALL_FAMILY_NOW,
        source_key=workup_key(referral, "call-family-now"),
        description=(
            "Emergency referral: call the family now and make sure they are going to the "
            "emergency department."
        ),
        due_at=now,
        created_by=referral.created_by,
        priority=Priority.STAT,
        escalate_at=now + timedelta(minutes=settings.FOLLOW_UP_STAT_ESCALATE_MINUTES),
    )
    if created:
        notify(
            recipients=clinic_staff(infant.clinic, Role.NURSE),
            kind=NotificationKind.ESCALATION,
            title=f"Stat: call the family of {infant} now",
            body=f"{referral.created_by} sent {infant.given_name} to the emergency department.",
            link=reverse("workups:worklist") + f"#task-{task.uuid}",
            clinic=infant.clinic,
            infant_uuid=infant.uuid,
            dedupe_key=workup_key(task, "assigned"),
            send_sms=True,
        )
    return task


@transaction.atomic
def referral_confirm(
    *,
    referral: Referral,
    confirmed_by: User,
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
) -> Referral:
    """A pediatrician confirms a proposed referral; its deadline runs from now and it is booked
    after commit."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.PROPOSED:
        raise ValidationError({"status": "Only a proposed referral can be confirmed."})
    referral.created_by = confirmed_by
    referral.deadline = referral_deadline(referral.urgency, now=timezone.now())
    referral_transition(
        referral=referral,
        to_status=ReferralStatus.AWAITING_BOOKING,
        actor=confirmed_by,
        update_fields=("created_by", "deadline"),
    )
    infant_record_audit(
        actor=confirmed_by,
        action=AuditAction.UPDATE,
        resource="referral",
        infant=referral.infant,
        object_uuid=referral.uuid,
        channel=channel,
        request=request,
        detail={"confirmed": True},
    )
    enqueue_on_commit(BOOK_REFERRAL_TASK, referral_id=referral.pk)
    return referral


def _free_slot(referral: Referral, now: datetime) -> NeurologySlot | None:
    """The earliest slot before the deadline that nobody holds, locked for this transaction;
    slots another booking is holding right now are skipped, not waited for."""
    return (
        NeurologySlot.objects.select_for_update(skip_locked=True)
        .filter(
            clinic_id=referral.infant.clinic_id,
            starts_at__gt=now,
            starts_at__lte=referral.deadline,
        )
        .exclude(appointments__status__in=[s for s in AppointmentStatus if s != "cancelled"])
        .order_by("starts_at", "id")
        .first()
    )


def referral_book(*, referral: Referral, now: datetime | None = None) -> Appointment | None:
    """Book the earliest free slot before the deadline; never the same slot twice, even with
    several workers at once (row locks skip held slots; the database refuses a second active
    appointment per slot). With no slot, the referral escalates to a nurse and the pediatrician."""
    now = now or timezone.now()
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .select_related("infant__clinic", "created_by")
            .get(pk=referral.pk)
        )
        if referral.status not in BOOKABLE_REFERRAL_STATUSES:
            return referral.appointments.booked().first()
        fault_checkpoint("book_referral", referral.uuid)
        while True:
            slot = _free_slot(referral, now)
            if slot is None:
                if referral.status == ReferralStatus.AWAITING_BOOKING:
                    referral_escalate(referral=referral, now=now)
                return None
            try:
                with transaction.atomic():
                    appointment = Appointment.objects.create(referral=referral, slot=slot)
            except IntegrityError:
                continue  # booked by a transaction that committed after our snapshot
            break
        referral_transition(
            referral=referral,
            to_status=ReferralStatus.BOOKED,
            actor=None,
            note=str(slot.uuid),
            at=now,
        )
        # A slot added after an escalation is booked by the sweep; the nurse's call is then moot.
        FollowUpTask.objects.open().filter(source_key=workup_key(referral, "no-slot")).update(
            status=FollowUpStatus.CANCELLED,
            outcome_note=f"Booked for {slot.starts_at:%Y-%m-%d %H:%M} once a slot was added.",
            completed_at=now,
        )
        infant_record_audit(
            actor=None,
            action=AuditAction.CREATE,
            resource="appointment",
            infant=referral.infant,
            object_uuid=appointment.uuid,
            channel=AuditChannel.TASK,
            detail={"slot": str(slot.uuid)},
        )
        notify(
            recipients=caregivers_of(referral.infant),
            kind=NotificationKind.APPOINTMENT,
            # Lazy: notify() writes them in each caregiver's language.
            title=format_lazy(
                gettext_lazy("Neurology appointment for {infant}"),
                infant=referral.infant.given_name,
            ),
            body=format_lazy(
                gettext_lazy(
                    "{neurologist}, {when}, {location}. Reply or call the clinic if you cannot "
                    "come."
                ),
                neurologist=slot.neurologist_name,
                when=family_time(slot.starts_at, clinic_zone(referral), APPOINTMENT_DATETIME),
                location=slot.location,
            ),
            link=reverse("workups:portal-appointments"),
            clinic=referral.infant.clinic,
            infant_uuid=referral.infant.uuid,
            dedupe_key=workup_key(appointment, "booked"),
            send_sms=True,
        )
        return appointment


def referral_escalate(*, referral: Referral, now: datetime) -> FollowUpTask:
    """No slot before the deadline: a nurse calls the family and the pediatrician is alerted."""
    referral_transition(referral=referral, to_status=ReferralStatus.ESCALATED, actor=None, at=now)
    task, _ = follow_up_ensure(
        infant=referral.infant,
        kind=FollowUpKind.CALL_CAREGIVER,
        source_key=workup_key(referral, "no-slot"),
        description=(
            f"No neurology slot before {referral.deadline:%Y-%m-%d %H:%M} for a "
            f"{referral.get_urgency_display().lower()} referral: arrange one with the family."
        ),
        due_at=min(now + timedelta(hours=4), referral.deadline),
        sweep="referral_book",
        priority=Priority.URGENT
        if referral.urgency in (ReferralUrgency.SAME_DAY, ReferralUrgency.URGENT)
        else Priority.ROUTINE,
    )
    notify(
        recipients=[referral.created_by],
        kind=NotificationKind.ESCALATION,
        title=f"No neurology slot before the deadline: {referral.infant}",
        body=f"The {referral.get_urgency_display().lower()} referral could not be booked.",
        link=reverse("workups:referral-list"),
        clinic=referral.infant.clinic,
        infant_uuid=referral.infant.uuid,
        dedupe_key=workup_key(referral, "no-slot"),
        send_sms=referral.urgency == ReferralUrgency.SAME_DAY,
    )
    return task
