"""The critical-value loop: the ordering pediatrician first, then one level per unacknowledged
period (CRITICAL_ALERT_ACK_MINUTES)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from clinics.models import AuditAction, AuditChannel, NotificationKind, Role, User
from clinics.services import ClientRequest, notifications_settle, notify
from patients.models import Infant
from patients.services import infant_record_audit
from workups.models import (
    CriticalAlert,
    CriticalAlertEscalation,
    EscalationLevel,
    Result,
)
from workups.services.keys import workup_key
from workups.services.recipients import clinic_staff, pediatricians_else_admins


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
        dedupe_key=workup_key(alert, f"level-{level}"),
        send_sms=True,
    )


def infants_record_open_critical_alerts(*, infants: QuerySet[Infant]) -> None:
    """Store on each infant whether a critical result of theirs is unacknowledged (the
    dashboard's first sort key), in the transaction that raised or answered the alert. The
    infants are locked first, so two alerts answered at once each see the other's answer."""
    list(infants.select_for_update().order_by("pk").values_list("pk", flat=True))
    infants.update(
        critical_alert_open=Exists(
            CriticalAlert.objects.unacknowledged().filter(infant=OuterRef("pk"))
        )
    )


def critical_alert_raise(*, result: Result) -> CriticalAlert:
    """A critical result is put in front of the pediatrician who ordered it, by text message too."""
    order = result.order
    alert = CriticalAlert.objects.create(
        result=result, infant=result.infant, recipient=order.ordered_by
    )
    infants_record_open_critical_alerts(infants=Infant.objects.filter(pk=alert.infant_id))
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
    request: ClientRequest | None = None,
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
        infants_record_open_critical_alerts(infants=Infant.objects.filter(pk=alert.infant_id))
        notifications_settle(dedupe_key_prefix=workup_key(alert))
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
        return pediatricians_else_admins(clinic, besides=alert.recipient_id)
    return clinic_staff(clinic, Role.CLINIC_ADMIN)


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
