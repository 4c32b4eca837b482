"""The nurses' worklist: one task per source key, calls recorded, overdue stat calls escalated."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clinics.models import AuditAction, AuditChannel, NotificationKind, Role, User
from clinics.services import ClientRequest, audit_record, notify
from patients.models import Infant
from patients.services import infant_record_audit
from workups.models import (
    CLOSING_OUTCOMES,
    FollowUpAttempt,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpStatus,
    FollowUpTask,
    Priority,
)
from workups.services.keys import workup_key
from workups.services.recipients import is_clinic_staff, pediatricians_else_admins


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
    priority: str = Priority.ROUTINE,
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


@transaction.atomic
def follow_up_complete(
    *,
    task: FollowUpTask,
    completed_by: User,
    outcome_note: str,
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
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
    request: ClientRequest | None = None,
) -> FollowUpTask:
    """A task goes to a nurse or pediatrician of the infant's clinic (or back to the pool)."""
    clinic = task.infant.clinic
    if assignee is not None and not is_clinic_staff(
        assignee, clinic, Role.NURSE, Role.PEDIATRICIAN
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
    request: ClientRequest | None = None,
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
        if person is not None and is_clinic_staff(person, task.infant.clinic, Role.PEDIATRICIAN):
            return [person]
    return pediatricians_else_admins(task.infant.clinic)


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
                dedupe_key=workup_key(task, "escalated"),
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


@transaction.atomic
def follow_up_add(
    *,
    infant: Infant,
    kind: FollowUpKind,
    description: str,
    due_at: datetime,
    created_by: User,
    assignee: User | None = None,
    priority: str = Priority.ROUTINE,
) -> FollowUpTask:
    """A follow-up a clinician adds by hand from the case page."""
    if due_at < timezone.now() - timedelta(minutes=5):
        raise ValidationError({"due_at": "A new follow-up cannot be due in the past."})
    task, _ = follow_up_ensure(
        infant=infant,
        kind=kind,
        source_key=workup_key(None),
        description=description,
        due_at=due_at,
        created_by=created_by,
        assignee=assignee,
        priority=priority,
    )
    return task
