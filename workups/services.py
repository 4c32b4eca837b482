"""Every write of the work-ups app: one function per operation, one transaction, the audit row
inside it, and messages and tasks only after commit."""

from datetime import datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from assessments.engine import CaseError, interpret_lab
from assessments.models import Assessment, AssessmentTrigger, Triage
from assessments.services import ASSESSMENT_RULESET, assessment_request
from clinics.models import AuditAction, AuditChannel, Membership, NotificationKind, Role, User
from clinics.services import audit_record, notifications_settle, notify
from config.faults import fault_checkpoint
from episodes.models import Episode, EpisodeVideo, MovementType
from patients.models import Guardianship, Infant
from patients.services import infant_record_audit
from workups.models import (
    CLOSING_OUTCOMES,
    NORMAL_OR_ABNORMAL_STUDIES,
    OPEN_ORDER_STATUSES,
    ORDER_FOR_ENGINE_CODE,
    ORDER_TRANSITIONS,
    OUTCOMES,
    URGENCY_FOR_TRIAGE,
    Appointment,
    AppointmentStatus,
    CriticalAlert,
    CriticalAlertEscalation,
    EscalationLevel,
    FollowUpAttempt,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpStatus,
    FollowUpTask,
    NeurologySlot,
    OrderedTest,
    OrderEvent,
    OrderStatus,
    Priority,
    Referral,
    ReferralStatus,
    ReferralUrgency,
    Result,
    StudyInterpretation,
    TestOrder,
)

# Bedside devices' clocks drift; a collection time a few minutes ahead of the server is accepted.
CLOCK_SKEW = timedelta(minutes=5)
PRIORITY_FOR_TRIAGE = {
    Triage.EMERGENCY: Priority.STAT,
    Triage.SAME_DAY: Priority.URGENT,
}


def _clinic_staff(clinic, *roles: Role) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.active()
        .filter(clinic=clinic, role__in=roles)
        .select_related("user")
        .order_by("created_at")
    ]


def _caregivers(infant: Infant) -> list[User]:
    return [
        guardianship.caregiver
        for guardianship in Guardianship.objects.active()
        .filter(infant=infant)
        .select_related("caregiver")
    ]


# Orders ------------------------------------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    infant: Infant,
    test: OrderedTest,
    priority: Priority,
    ordered_by: User,
    assessment: Assessment | None = None,
    reason_text: str = "",
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
    now: datetime | None = None,
) -> TestOrder:
    """An order is due within the hours its priority allows and always says why it was made."""
    now = now or timezone.now()
    if assessment is not None and assessment.infant_id != infant.pk:
        raise ValidationError({"assessment": "That assessment is about another infant."})
    order = TestOrder(
        infant=infant,
        test=test,
        priority=priority,
        due_by=now + timedelta(hours=settings.WORKUP_ORDER_DUE_HOURS[priority]),
        assessment=assessment,
        reason_text=reason_text,
        ordered_by=ordered_by,
        created_at=now,
    )
    if assessment is None and not reason_text.strip():
        raise ValidationError({"reason_text": "Say why the test is ordered."})
    order.full_clean()
    order.save()
    OrderEvent.objects.create(
        order=order, to_status=OrderStatus.ORDERED, actor=ordered_by, occurred_at=now
    )
    infant_record_audit(
        actor=ordered_by,
        action=AuditAction.CREATE,
        resource="test_order",
        infant=infant,
        object_uuid=order.uuid,
        channel=channel,
        request=request,
        detail={"test": test, "priority": priority},
    )
    return order


@transaction.atomic
def orders_from_assessment(
    *,
    assessment: Assessment,
    ordered_by: User,
    codes: list[str] | None = None,
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
    now: datetime | None = None,
) -> list[TestOrder]:
    """One click orders every test the assessment recommends (or those of `codes` among them)
    that is not already on order for the infant; the priority follows the assessment's triage."""
    priority = PRIORITY_FOR_TRIAGE.get(assessment.triage, Priority.ROUTINE)
    on_order = set(
        TestOrder.objects.open().filter(infant=assessment.infant).values_list("test", flat=True)
    )
    wanted = [
        ORDER_FOR_ENGINE_CODE[code]
        for code in assessment.recommended_tests
        if code in ORDER_FOR_ENGINE_CODE and (codes is None or code in codes)
    ]
    return [
        order_create(
            infant=assessment.infant,
            test=test,
            priority=priority,
            ordered_by=ordered_by,
            assessment=assessment,
            channel=channel,
            request=request,
            now=now,
        )
        for test in dict.fromkeys(wanted)
        if test not in on_order
    ]


@transaction.atomic
def order_transition(
    *,
    order: TestOrder,
    to_status: OrderStatus,
    actor: User | None,
    reason: str = "",
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
    at: datetime | None = None,
) -> TestOrder:
    """An order moves only along ORDER_TRANSITIONS; a cancellation needs a reason; every move is
    an OrderEvent with who and when."""
    at = at or timezone.now()
    order = TestOrder.objects.select_for_update().get(pk=order.pk)
    allowed = ORDER_TRANSITIONS[order.status]
    if to_status not in allowed:
        raise ValidationError(
            {
                "to_status": f"An order that is {order.get_status_display().lower()} cannot "
                f"become {to_status}; allowed: {', '.join(sorted(allowed)) or 'none'}."
            }
        )
    if to_status == OrderStatus.CANCELLED:
        if not reason.strip():
            raise ValidationError({"reason": "Say why the order is cancelled."})
        order.cancel_reason = reason.strip()[:300]
    if to_status == OrderStatus.RESULTED and not Result.objects.filter(order=order).exists():
        raise ValidationError({"to_status": "An order is resulted by recording its result."})
    from_status = order.status
    order.status = to_status
    order.full_clean()
    order.save(update_fields=["status", "cancel_reason", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        occurred_at=at,
        note=reason[:300],
    )
    infant_record_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        resource="test_order",
        infant=order.infant,
        object_uuid=order.uuid,
        channel=channel,
        request=request,
        detail={"from": from_status, "to": to_status},
    )
    return order


# Results -----------------------------------------------------------------------------------------


def result_interpret(*, order: TestOrder, value: float, unit: str, collected_at: datetime) -> dict:
    """The engine reads the value for the infant's age in hours at collection, gestation and birth
    weight; an unknown unit is a ValidationError on `unit` listing the allowed units."""
    infant = order.infant
    try:
        return interpret_lab(
            order.engine_code,
            value,
            unit,
            age_hours=max(infant.age(collected_at).total_seconds() / 3600, 0.0),
            gestational_weeks=infant.gestation_weeks_decimal,
            birth_weight_g=infant.birth_weight_g,
            ruleset=ASSESSMENT_RULESET,
        )
    except CaseError as error:
        field = error.field.rsplit(".", 1)[-1] if error.field else "value"
        message = str(error).split(": ", 1)[-1]
        raise ValidationError({field: message}) from error


@transaction.atomic
def result_record(
    *,
    order: TestOrder,
    recorded_by: User,
    collected_at: datetime | None = None,
    value: float | None = None,
    unit: str = "",
    study_interpretation: str = "",
    captured_typical_event: bool | None = None,
    captured_event_types: list[str] | None = None,
    report_text: str = "",
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
) -> Result:
    """A result moves its order to resulted, raises a critical alert when the engine says
    critical, and has the infant re-assessed after commit."""
    order = TestOrder.objects.select_for_update().select_related("infant__clinic").get(pk=order.pk)
    collected_at = collected_at or timezone.now()
    if not order.infant.born_at <= collected_at <= timezone.now() + CLOCK_SKEW:
        raise ValidationError(
            {"collected_at": "The sample cannot be taken before birth or in the future."}
        )
    if hasattr(order, "result"):
        raise ValidationError({"order": "This order already has a result."})
    if order.status not in OPEN_ORDER_STATUSES:
        raise ValidationError({"order": f"A {order.status} order cannot take a result."})
    result = Result(
        order=order,
        infant=order.infant,
        collected_at=collected_at,
        age_hours_at_collection=round(order.infant.age(collected_at).total_seconds() / 3600, 2),
        report_text=report_text,
        recorded_by=recorded_by,
    )
    if order.is_study:
        if not study_interpretation:
            raise ValidationError({"study_interpretation": "A study needs its interpretation."})
        result.study_interpretation = study_interpretation
        if order.engine_code not in NORMAL_OR_ABNORMAL_STUDIES:
            result.captured_typical_event = captured_typical_event
            result.captured_event_types = _captured_event_types(captured_event_types or [])
        elif study_interpretation in EEG_ONLY_INTERPRETATIONS:
            raise ValidationError(
                {"study_interpretation": "Only an EEG or video-EEG reads as this; use normal or "
                 "other abnormality."}
            )  # fmt: skip
    elif order.engine_code != "critical_sample":
        if value is None:
            raise ValidationError({"value": "A laboratory result needs its value."})
        reading = result_interpret(order=order, value=value, unit=unit, collected_at=collected_at)
        result.value = value
        result.unit = unit
        result.normalised_value = reading["normalised_value"]
        result.normalised_unit = reading["normalised_unit"]
        result.flag = reading["flag"]
        result.interpretation = reading
    result.full_clean()
    result.save()
    # Entering a result also records the collection (or study) it implies.
    if order.status in (OrderStatus.ORDERED, OrderStatus.SCHEDULED):
        taken = OrderStatus.PERFORMED if order.is_study else OrderStatus.COLLECTED
        order = order_transition(
            order=order, to_status=taken, actor=recorded_by, channel=channel, at=collected_at
        )
    result.order = order_transition(
        order=order, to_status=OrderStatus.RESULTED, actor=recorded_by, channel=channel
    )
    infant_record_audit(
        actor=recorded_by,
        action=AuditAction.CREATE,
        resource="result",
        infant=order.infant,
        object_uuid=result.uuid,
        channel=channel,
        request=request,
        detail={"flag": result.flag, "test": order.test},
    )
    if result.is_critical:
        critical_alert_raise(result=result)
    assessment_request(
        infant=order.infant, trigger=AssessmentTrigger.NEW_RESULT, requested_by=recorded_by
    )
    return result


EEG_ONLY_INTERPRETATIONS = (
    StudyInterpretation.EPILEPTIFORM,
    StudyInterpretation.ELECTROGRAPHIC_SEIZURES,
    StudyInterpretation.HYPSARRHYTHMIA,
)


def _captured_event_types(codes: list[str]) -> list[str]:
    unknown = [code for code in codes if code not in MovementType.values]
    if unknown:
        raise ValidationError(
            {
                "captured_event_types": f"Unknown movement type(s) {', '.join(map(str, unknown))}; "
                f"allowed: {', '.join(MovementType.values)}."
            }
        )
    return list(dict.fromkeys(codes))


def results_as_case(infant: Infant) -> list[dict]:
    """The infant's results in the engine's case format (assessments.cases result source)."""
    case_results = []
    for result in Result.objects.filter(infant=infant).select_related("order"):
        code = result.order.engine_code
        entry = {"id": str(result.uuid), "test": code, "age_hours": result.age_hours_at_collection}
        if result.order.is_study:
            interpretation = result.study_interpretation
            if code in NORMAL_OR_ABNORMAL_STUDIES:
                interpretation = "normal" if interpretation == "normal" else "abnormal"
            else:
                entry["captured_typical_event"] = result.captured_typical_event
                entry["captured_event_types"] = list(result.captured_event_types)
            entry["interpretation"] = interpretation
        elif result.value is not None:
            entry.update(value=result.value, unit=result.unit)
            if result.order.spec.method:
                entry["method"] = result.order.spec.method
        case_results.append(entry)
    return case_results


# The critical-value loop -------------------------------------------------------------------------


def _alert_link(alert: CriticalAlert) -> str:
    return reverse("workups:alert-list") + f"#alert-{alert.uuid}"


def _alert_notify(alert: CriticalAlert, recipients: list[User], level: int, title: str) -> None:
    result = alert.result
    notify(
        recipients=recipients,
        kind=NotificationKind.CRITICAL_RESULT if level == 0 else NotificationKind.ESCALATION,
        title=title,
        body=(
            f"{result.order.get_test_display()} {result.display_value} for {alert.infant} "
            f"(MRN {alert.infant.mrn}): {result.interpretation.get('rule', '')}. "
            "Acknowledge it in Tremor Clinic."
        ),
        link=_alert_link(alert),
        clinic=alert.infant.clinic,
        infant_uuid=alert.infant.uuid,
        dedupe_key=f"critical-alert:{alert.uuid}:level-{level}",
        send_sms=True,
    )


def critical_alert_raise(*, result: Result) -> CriticalAlert:
    """A critical result is put in front of the pediatrician who ordered it, by text message too."""
    order = result.order
    alert = CriticalAlert.objects.create(
        result=result, infant=result.infant, recipient=order.ordered_by
    )
    _alert_notify(alert, [order.ordered_by], 0, f"Critical result: {alert.infant}")
    infant_record_audit(
        actor=None,
        action=AuditAction.CREATE,
        resource="critical_alert",
        infant=result.infant,
        object_uuid=alert.uuid,
        channel=AuditChannel.TASK,
    )
    return alert


@transaction.atomic
def critical_alert_acknowledge(
    *,
    alert: CriticalAlert,
    acknowledged_by: User,
    action_taken: str = "",
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
) -> CriticalAlert:
    """Acknowledging stops the escalation, records what was done about the value and settles
    the alert's notifications; a second acknowledgement changes nothing."""
    alert = CriticalAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = acknowledged_by
        alert.action_taken = action_taken.strip()[:300]
        alert.save(
            update_fields=["acknowledged_at", "acknowledged_by", "action_taken", "updated_at"]
        )
        notifications_settle(dedupe_key_prefix=f"critical-alert:{alert.uuid}:")
        infant_record_audit(
            actor=acknowledged_by,
            action=AuditAction.UPDATE,
            resource="critical_alert",
            infant=alert.infant,
            object_uuid=alert.uuid,
            channel=channel,
            request=request,
            detail={"acknowledged": True, "action_taken": alert.action_taken},
        )
    return alert


def _escalation_recipients(alert: CriticalAlert, level: int) -> list[User]:
    clinic = alert.infant.clinic
    if level == EscalationLevel.CLINIC_PEDIATRICIANS:
        others = [
            user
            for user in _clinic_staff(clinic, Role.PEDIATRICIAN)
            if user.pk != alert.recipient_id
        ]
        if others:
            return others
    # No other pediatrician (or the last step): the clinic admins must see it.
    return _clinic_staff(clinic, Role.CLINIC_ADMIN)


def critical_alerts_escalate(*, now: datetime) -> list[CriticalAlertEscalation]:
    """Each period without acknowledgement (CRITICAL_ALERT_ACK_MINUTES) climbs one level: the
    clinic's other pediatricians, then the clinic admins. Each step is recorded once."""
    period = timedelta(minutes=settings.CRITICAL_ALERT_ACK_MINUTES)
    steps = []
    pending = CriticalAlert.objects.unacknowledged().filter(
        level__lt=EscalationLevel.CLINIC_ADMIN, created_at__lte=now - period
    )
    for alert_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            alert = (
                CriticalAlert.objects.select_for_update(skip_locked=True)
                .select_related("infant__clinic", "result__order")
                .filter(pk=alert_id, acknowledged_at__isnull=True)
                .first()
            )
            if alert is None:
                continue
            level = alert.level + 1
            if alert.created_at + period * level > now:
                continue
            recipients = _escalation_recipients(alert, level)
            step = CriticalAlertEscalation.objects.create(alert=alert, level=level, occurred_at=now)
            step.recipients.set(recipients)
            alert.level = level
            alert.save(update_fields=["level", "updated_at"])
            minutes = settings.CRITICAL_ALERT_ACK_MINUTES * level
            _alert_notify(
                alert,
                recipients,
                level,
                f"Unacknowledged critical result ({minutes} min): {alert.infant}",
            )
            infant_record_audit(
                actor=None,
                action=AuditAction.UPDATE,
                resource="critical_alert",
                infant=alert.infant,
                object_uuid=alert.uuid,
                channel=AuditChannel.TASK,
                detail={"escalated_to": EscalationLevel(level).label},
            )
            steps.append(step)
    return steps


# Referrals and appointments ----------------------------------------------------------------------


BOOKABLE_REFERRAL_STATUSES = (ReferralStatus.AWAITING_BOOKING, ReferralStatus.ESCALATED)


def referral_deadline(urgency: ReferralUrgency, *, now: datetime) -> datetime:
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
    request=None,
    now: datetime | None = None,
) -> Referral:
    """The urgency follows the triage unless the pediatrician sets it; an emergency is never booked
    (the instruction is to go to the emergency department now); anything else is booked by a task
    after commit."""
    from workups.tasks import referral_book_task

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
        status=ReferralStatus.EMERGENCY_DEPARTMENT
        if emergency
        else ReferralStatus.AWAITING_BOOKING,
        reason=reason,
        assessment=assessment,
        created_by=created_by,
        created_at=now,
    )
    referral.full_clean()
    referral.save()
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
        transaction.on_commit(lambda: referral_book_task.delay(referral.pk), robust=True)
    return referral


def follow_up_call_family_now(*, referral: Referral, now: datetime) -> FollowUpTask:
    """An emergency referral is an instruction the family must hear now: a stat call goes to the
    clinic's nurses, and comes back to the pediatrician if it is still undone after
    FOLLOW_UP_STAT_ESCALATE_MINUTES."""
    infant = referral.infant
    task, created = follow_up_ensure(
        infant=infant,
        kind=FollowUpKind.CALL_FAMILY_NOW,
        source_key=f"referral:{referral.uuid}:call-family-now",
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
            recipients=_clinic_staff(infant.clinic, Role.NURSE),
            kind=NotificationKind.ESCALATION,
            title=f"Stat: call the family of {infant} now",
            body=f"{referral.created_by} sent {infant.given_name} to the emergency department.",
            link=reverse("workups:worklist") + f"#task-{task.uuid}",
            clinic=infant.clinic,
            infant_uuid=infant.uuid,
            dedupe_key=f"follow-up:{task.uuid}:assigned",
            send_sms=True,
        )
    return task


@transaction.atomic
def referral_propose(*, assessment: Assessment, reason: str) -> Referral | None:
    """An assessment at routine visit or above proposes a neurology referral for a pediatrician
    to confirm; one open proposal per infant, and none for an emergency (it is not booked)."""
    urgency = URGENCY_FOR_TRIAGE.get(assessment.triage, ReferralUrgency.ROUTINE)
    open_referral = Referral.objects.filter(
        infant=assessment.infant,
        status__in=[ReferralStatus.PROPOSED, ReferralStatus.AWAITING_BOOKING],
    ).exists()
    if urgency == ReferralUrgency.EMERGENCY or open_referral:
        return None
    clinician = assessment.infant.assigned_clinician or assessment.requested_by
    if clinician is None:
        staff = _clinic_staff(assessment.infant.clinic, Role.PEDIATRICIAN)
        if not staff:
            return None
        clinician = staff[0]
    referral = Referral(
        infant=assessment.infant,
        urgency=urgency,
        deadline=referral_deadline(urgency, now=timezone.now()),
        status=ReferralStatus.PROPOSED,
        reason=reason,
        assessment=assessment,
        created_by=clinician,
    )
    referral.full_clean()
    referral.save()
    infant_record_audit(
        actor=None,
        action=AuditAction.CREATE,
        resource="referral",
        infant=assessment.infant,
        object_uuid=referral.uuid,
        channel=AuditChannel.TASK,
        detail={"proposed": True, "urgency": urgency},
    )
    return referral


@transaction.atomic
def referral_confirm(
    *,
    referral: Referral,
    confirmed_by: User,
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
) -> Referral:
    """A pediatrician confirms a proposed referral; its deadline runs from now and it is booked
    after commit."""
    from workups.tasks import referral_book_task

    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.PROPOSED:
        raise ValidationError({"status": "Only a proposed referral can be confirmed."})
    referral.status = ReferralStatus.AWAITING_BOOKING
    referral.created_by = confirmed_by
    referral.deadline = referral_deadline(referral.urgency, now=timezone.now())
    referral.save(update_fields=["status", "created_by", "deadline", "updated_at"])
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
    transaction.on_commit(lambda: referral_book_task.delay(referral.pk), robust=True)
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
        referral.status = ReferralStatus.BOOKED
        referral.save(update_fields=["status", "updated_at"])
        # A slot added after an escalation is booked by the sweep; the nurse's call is then moot.
        FollowUpTask.objects.open().filter(source_key=f"referral:{referral.uuid}:no-slot").update(
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
        local = timezone.localtime(slot.starts_at, _clinic_zone(referral))
        notify(
            recipients=_caregivers(referral.infant),
            kind=NotificationKind.APPOINTMENT,
            title=f"Neurology appointment for {referral.infant.given_name}",
            body=(
                f"{slot.neurologist_name}, {local:%A %d %B %Y at %H:%M}, {slot.location}. "
                "Reply or call the clinic if you cannot come."
            ),
            link=reverse("workups:portal-appointments"),
            clinic=referral.infant.clinic,
            infant_uuid=referral.infant.uuid,
            dedupe_key=f"appointment:{appointment.uuid}:booked",
            send_sms=True,
        )
        return appointment


def _clinic_zone(referral: Referral):
    from zoneinfo import ZoneInfo

    return ZoneInfo(referral.infant.clinic.time_zone)


def follow_up_ensure(
    *,
    infant: Infant,
    kind: FollowUpKind,
    source_key: str,
    description: str,
    due_at: datetime,
    created_by: User | None = None,
    sweep: str = "",
    assignee: User | None = None,
    priority: Priority = Priority.ROUTINE,
    escalate_at: datetime | None = None,
) -> tuple[FollowUpTask, bool]:
    """One task per source_key, however often a sweep runs (also across concurrent runs)."""
    existing = FollowUpTask.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing, False
    task = FollowUpTask(
        infant=infant,
        kind=kind,
        source_key=source_key,
        description=description[:300],
        due_at=due_at,
        created_by=created_by,
        created_by_sweep=sweep,
        assignee=assignee,
        priority=priority,
        escalate_at=escalate_at,
    )
    task.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        return FollowUpTask.objects.get(source_key=source_key), False
    audit_record(
        actor=created_by,
        action=AuditAction.CREATE,
        resource="follow_up",
        channel=AuditChannel.TASK if sweep else AuditChannel.WEB,
        clinic=infant.clinic,
        infant_uuid=infant.uuid,
        object_uuid=task.uuid,
        detail={"kind": kind, "source": source_key, "priority": priority},
    )
    return task, True


def referral_escalate(*, referral: Referral, now: datetime) -> FollowUpTask:
    """No slot before the deadline: a nurse calls the family and the pediatrician is alerted."""
    referral.status = ReferralStatus.ESCALATED
    referral.save(update_fields=["status", "updated_at"])
    task, _ = follow_up_ensure(
        infant=referral.infant,
        kind=FollowUpKind.CALL_CAREGIVER,
        source_key=f"referral:{referral.uuid}:no-slot",
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
        dedupe_key=f"referral:{referral.uuid}:no-slot",
        send_sms=referral.urgency == ReferralUrgency.SAME_DAY,
    )
    return task


@transaction.atomic
def appointment_outcome_record(
    *,
    appointment: Appointment,
    outcome: AppointmentStatus,
    recorded_by: User,
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
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
        referral.status = ReferralStatus.CLOSED
        referral.save(update_fields=["status", "updated_at"])
    elif outcome == AppointmentStatus.NO_SHOW:
        follow_up_ensure(
            infant=referral.infant,
            kind=FollowUpKind.CALL_CAREGIVER,
            source_key=f"appointment:{appointment.uuid}:no-show",
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
    request=None,
) -> Appointment:
    """The family has said they will come; the confirmation call drops off the worklist."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError({"appointment": "Only a booked appointment can be confirmed."})
    if appointment.confirmed_at is None:
        appointment.confirmed_at = timezone.now()
        appointment.save(update_fields=["confirmed_at", "updated_at"])
        FollowUpTask.objects.open().filter(
            source_key=f"appointment:{appointment.uuid}:confirm"
        ).update(
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
        local = timezone.localtime(appointment.slot.starts_at, _clinic_zone(appointment.referral))
        with transaction.atomic():
            sent += len(
                notify(
                    recipients=_caregivers(infant),
                    kind=NotificationKind.REMINDER,
                    title=f"Reminder: neurology appointment {local:%a %d %b at %H:%M}",
                    body=f"{appointment.slot.neurologist_name}, {appointment.slot.location}.",
                    link=reverse("workups:portal-appointments"),
                    clinic=infant.clinic,
                    infant_uuid=infant.uuid,
                    dedupe_key=f"appointment:{appointment.uuid}:reminder-{window}h",
                    send_sms=True,
                )
            )
    return sent


# Slots -------------------------------------------------------------------------------------------


@transaction.atomic
def slot_create(*, clinic, created_by: User, **fields) -> NeurologySlot:
    """A slot a neurologist offers; a clinic admin adds it."""
    slot = NeurologySlot(clinic=clinic, **fields)
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def slot_update(*, slot: NeurologySlot, updated_by: User, **fields) -> NeurologySlot:
    """A booked slot keeps its time: the family has been told it."""
    if "starts_at" in fields and slot.appointments.booked().exists():
        raise ValidationError({"starts_at": "This slot is booked; cancel the appointment first."})
    for name, value in fields.items():
        setattr(slot, name, value)
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def slot_delete(*, slot: NeurologySlot, deleted_by: User) -> None:
    """Only a slot that never held an appointment can be removed."""
    if slot.appointments.exists():
        raise ValidationError({"slot": "This slot has appointments and cannot be removed."})
    slot.delete()


# Follow-ups --------------------------------------------------------------------------------------


@transaction.atomic
def follow_up_complete(
    *,
    task: FollowUpTask,
    completed_by: User,
    outcome_note: str,
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
) -> FollowUpTask:
    """A task is done only with a note of what happened."""
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    if task.status != FollowUpStatus.OPEN:
        raise ValidationError({"status": "This task is already closed."})
    if not outcome_note.strip():
        raise ValidationError({"outcome_note": "Write what happened."})
    task.status = FollowUpStatus.DONE
    task.outcome_note = outcome_note.strip()
    task.completed_at = timezone.now()
    task.full_clean()
    task.save()
    infant_record_audit(
        actor=completed_by,
        action=AuditAction.UPDATE,
        resource="follow_up",
        infant=task.infant,
        object_uuid=task.uuid,
        channel=channel,
        request=request,
        detail={"status": "done"},
    )
    return task


@transaction.atomic
def follow_up_reassign(
    *,
    task: FollowUpTask,
    assignee: User | None,
    reassigned_by: User,
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
) -> FollowUpTask:
    """A task goes to a nurse or pediatrician of the infant's clinic (or back to the pool)."""
    clinic = task.infant.clinic
    if (
        assignee is not None
        and not Membership.objects.active()
        .filter(user=assignee, clinic=clinic, role__in=[Role.NURSE, Role.PEDIATRICIAN])
        .exists()
    ):
        raise ValidationError({"assignee": "Assign to a nurse or pediatrician of this clinic."})
    task.assignee = assignee
    task.save(update_fields=["assignee", "updated_at"])
    infant_record_audit(
        actor=reassigned_by,
        action=AuditAction.UPDATE,
        resource="follow_up",
        infant=task.infant,
        object_uuid=task.uuid,
        channel=channel,
        request=request,
        detail={"assignee": str(assignee.uuid) if assignee else None},
    )
    return task


@transaction.atomic
def follow_up_call_record(
    *,
    task: FollowUpTask,
    outcome: FollowUpOutcome,
    made_by: User,
    note: str = "",
    channel: AuditChannel = AuditChannel.WEB,
    request=None,
    now: datetime | None = None,
) -> FollowUpAttempt:
    """Every call is recorded with how it went; only reaching the family closes the task (a
    stat call left unanswered keeps climbing to the pediatrician)."""
    now = now or timezone.now()
    task = FollowUpTask.objects.select_for_update().select_related("infant").get(pk=task.pk)
    if outcome not in FollowUpOutcome.values:
        raise ValidationError({"outcome": f"Allowed: {', '.join(FollowUpOutcome.values)}."})
    if task.status != FollowUpStatus.OPEN:
        raise ValidationError({"status": "This task is already closed."})
    attempt = FollowUpAttempt(
        task=task, outcome=outcome, note=note.strip()[:500], made_by=made_by, made_at=now
    )
    attempt.full_clean()
    attempt.save()
    if outcome in CLOSING_OUTCOMES:
        task.status = FollowUpStatus.DONE
        task.outcome_note = attempt.note or FollowUpOutcome(outcome).label
        task.completed_at = now
        task.save(update_fields=["status", "outcome_note", "completed_at", "updated_at"])
    infant_record_audit(
        actor=made_by,
        action=AuditAction.UPDATE,
        resource="follow_up",
        infant=task.infant,
        object_uuid=task.uuid,
        channel=channel,
        request=request,
        detail={"call": outcome, "status": task.status},
    )
    return attempt


def _escalation_target(task: FollowUpTask) -> list[User]:
    """The pediatrician who asked for the call, else the infant's, else the clinic's."""
    for person in (task.created_by, task.infant.assigned_clinician):
        if (
            person is not None
            and Membership.objects.active()
            .filter(user=person, clinic=task.infant.clinic, role=Role.PEDIATRICIAN)
            .exists()
        ):
            return [person]
    return _clinic_staff(task.infant.clinic, Role.PEDIATRICIAN) or _clinic_staff(
        task.infant.clinic, Role.CLINIC_ADMIN
    )


def follow_ups_escalate(*, now: datetime) -> list[FollowUpTask]:
    """A follow-up still open at its escalation time is put in front of the pediatrician, once:
    the row lock and `escalated_at` make a rerun, or two workers at once, a no-op."""
    escalated = []
    for task_id in FollowUpTask.objects.escalation_due(now).values_list("pk", flat=True):
        with transaction.atomic():
            task = (
                FollowUpTask.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("infant__clinic", "infant__assigned_clinician", "created_by")
                .filter(pk=task_id)
                .escalation_due(now)
                .first()
            )
            if task is None:
                continue
            recipients = _escalation_target(task)
            task.escalated_at = now
            task.escalated_to = recipients[0] if recipients else None
            task.save(update_fields=["escalated_at", "escalated_to", "updated_at"])
            minutes = round((now - task.created_at).total_seconds() / 60)
            notify(
                recipients=recipients,
                kind=NotificationKind.ESCALATION,
                title=f"Not done after {minutes} min: {task.get_kind_display()} ({task.infant})",
                body=(
                    f"{task.description} Nobody has reached the family yet. Call them or "
                    "send someone now."
                ),
                link=reverse("dashboard:case", args=[task.infant.uuid]),
                clinic=task.infant.clinic,
                infant_uuid=task.infant.uuid,
                dedupe_key=f"follow-up:{task.uuid}:escalated",
                send_sms=True,
            )
            infant_record_audit(
                actor=None,
                action=AuditAction.UPDATE,
                resource="follow_up",
                infant=task.infant,
                object_uuid=task.uuid,
                channel=AuditChannel.TASK,
                detail={"escalated_to": [str(user.uuid) for user in recipients]},
            )
            escalated.append(task)
    return escalated


# Sweeps (Celery beat): each takes the clock as an argument ----------------------------------------

SWEEP_REBOOK_AFTER = timedelta(minutes=10)


def follow_ups_for_overdue_orders(*, now: datetime) -> int:
    """An order past its due time (set by its priority) puts 'chase the result' on the worklist."""
    created = 0
    for order in TestOrder.objects.overdue(now).select_related("infant__clinic", "ordered_by"):
        _, new = follow_up_ensure(
            infant=order.infant,
            kind=FollowUpKind.CHASE_RESULT,
            source_key=f"order:{order.uuid}:overdue",
            description=(
                f"{order.get_priority_display()} {order.get_test_display()} was due "
                f"{order.due_by:%Y-%m-%d %H:%M} and is still {order.get_status_display().lower()}."
            ),
            due_at=now,
            sweep="overdue_orders",
            priority=order.priority,
        )
        created += new
    return created


def referrals_rebook(*, now: datetime) -> list[int]:
    """Referrals still waiting for a booking are booked again (a lost message delays, never
    loses), and escalated ones too while their deadline has not passed, in case a slot was added
    since."""
    from workups.tasks import referral_book_task

    waiting = list(
        Referral.objects.filter(
            Q(status=ReferralStatus.AWAITING_BOOKING, created_at__lte=now - SWEEP_REBOOK_AFTER)
            | Q(status=ReferralStatus.ESCALATED, deadline__gt=now)
        ).values_list("pk", flat=True)
    )
    for pk in waiting:
        referral_book_task.delay(pk)
    return waiting


def follow_ups_for_unconfirmed_appointments(*, now: datetime) -> int:
    """A booked appointment tomorrow (in the clinic's time zone) that the family has not
    confirmed puts 'confirm the appointment' on the worklist."""
    created = 0
    soon = (
        Appointment.objects.booked()
        .filter(
            confirmed_at__isnull=True,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + timedelta(hours=48),
        )
        .select_related("slot", "referral__infant__clinic")
    )
    for appointment in soon:
        zone = _clinic_zone(appointment.referral)
        tomorrow = timezone.localtime(now, zone).date() + timedelta(days=1)
        if timezone.localtime(appointment.slot.starts_at, zone).date() != tomorrow:
            continue
        _, new = follow_up_ensure(
            infant=appointment.referral.infant,
            kind=FollowUpKind.CONFIRM_APPOINTMENT,
            source_key=f"appointment:{appointment.uuid}:confirm",
            description=f"Confirm tomorrow's neurology appointment ({appointment.slot}).",
            due_at=now + timedelta(hours=4),
            sweep="unconfirmed_appointments",
        )
        created += new
    return created


def infants_with_news_since(since_by_infant: dict[int, datetime]) -> set[int]:
    """Which of these infants' families sent something (an episode log or a video) after the
    given time."""
    ids = list(since_by_infant)
    latest_episode = (
        Episode.objects.filter(infant_id__in=ids)
        .values_list("infant_id")
        .order_by()
        .annotate(last=Max("created_at"))
    )
    latest_video = (
        EpisodeVideo.objects.filter(episode__infant_id__in=ids)
        .values_list("episode__infant_id")
        .order_by()
        .annotate(last=Max("created_at"))
    )
    return {
        infant_id
        for infant_id, last in [*latest_episode, *latest_video]
        if last > since_by_infant[infant_id]
    }


def follow_ups_for_missing_video(*, now: datetime) -> int:
    """Seven days (FOLLOW_UP_VIDEO_AFTER_DAYS) after a same-day or emergency assessment with
    nothing new from the family, a nurse asks for a video."""
    cutoff = now - timedelta(days=settings.FOLLOW_UP_VIDEO_AFTER_DAYS)
    concerning = (
        Assessment.objects.filter(
            triage__in=[Triage.SAME_DAY, Triage.EMERGENCY],
            created_at__lte=cutoff,
            created_at__gt=cutoff - timedelta(days=settings.FOLLOW_UP_VIDEO_AFTER_DAYS),
        )
        .select_related("infant__clinic")
        .order_by("infant_id", "-created_at")
    )
    latest = {}
    for assessment in concerning:
        latest.setdefault(assessment.infant_id, assessment)
    since = {infant_id: a.created_at for infant_id, a in latest.items()}
    active = infants_with_news_since(since)
    created = 0
    for infant_id, assessment in latest.items():
        if infant_id in active:
            continue
        _, new = follow_up_ensure(
            infant=assessment.infant,
            kind=FollowUpKind.REQUEST_VIDEO,
            source_key=f"assessment:{assessment.uuid}:request-video",
            description=(
                f"No episode or video since the {assessment.get_triage_display().lower()} "
                f"assessment of {assessment.created_at:%Y-%m-%d}: ask the family for a video."
            ),
            due_at=now + timedelta(hours=24),
            sweep="missing_video",
        )
        created += new
    return created


def follow_ups_sweep(*, now: datetime) -> dict[str, int]:
    """Everything that should be on the worklist and is not yet, once."""
    return {
        "chase_result": follow_ups_for_overdue_orders(now=now),
        "rebooked_referrals": len(referrals_rebook(now=now)),
        "confirm_appointment": follow_ups_for_unconfirmed_appointments(now=now),
        "request_video": follow_ups_for_missing_video(now=now),
    }


@transaction.atomic
def follow_up_add(
    *,
    infant: Infant,
    kind: FollowUpKind,
    description: str,
    due_at: datetime,
    created_by: User,
    assignee: User | None = None,
    priority: Priority = Priority.ROUTINE,
) -> FollowUpTask:
    """A follow-up a clinician adds by hand from the case page."""
    if due_at < timezone.now() - timedelta(minutes=5):
        raise ValidationError({"due_at": "A new follow-up cannot be due in the past."})
    task, _ = follow_up_ensure(
        infant=infant,
        kind=kind,
        source_key=f"manual:{uuid4()}",
        description=description,
        due_at=due_at,
        created_by=created_by,
        assignee=assignee,
        priority=priority,
    )
    return task
