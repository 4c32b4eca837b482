from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from workups.models import Referral
from workups.services import (
    BOOK_REFERRAL_TASK,
    BOOKABLE_REFERRAL_STATUSES,
    appointment_reminders_send,
    critical_alerts_escalate,
    follow_ups_escalate,
    follow_ups_sweep,
    referral_book,
)


@shared_task(
    name=BOOK_REFERRAL_TASK,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def referral_book_task(referral_id: int) -> str | None:
    """Book the referral's slot; a referral already booked (or not bookable) is left alone."""
    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None or referral.status not in BOOKABLE_REFERRAL_STATUSES:
        return None
    appointment = referral_book(referral=referral)
    return str(appointment.uuid) if appointment else None


@shared_task(name="workups.critical_alerts_escalate")
def critical_alerts_escalate_task() -> int:
    return len(critical_alerts_escalate(now=timezone.now()))


@shared_task(name="workups.appointment_reminders")
def appointment_reminders_task() -> int:
    return appointment_reminders_send(now=timezone.now())


@shared_task(name="workups.follow_ups_sweep")
def follow_ups_sweep_task() -> dict:
    return follow_ups_sweep(now=timezone.now())


@shared_task(name="workups.follow_ups_escalate")
def follow_ups_escalate_task() -> int:
    return len(follow_ups_escalate(now=timezone.now()))
