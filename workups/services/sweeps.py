"""The periodic sweeps (Celery beat): each takes the clock as an argument and puts on the
worklist, once, what should be there and is not yet."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from assessments.models import URGENT_TRIAGE, Assessment
from clinics.tasks_dispatch import enqueue
from episodes.models import Episode, EpisodeVideo
from workups.models import (
    Appointment,
    FollowUpKind,
    Referral,
    ReferralStatus,
    TestOrder,
)
from workups.services.follow_ups import follow_up_ensure
from workups.services.keys import workup_key
from workups.services.recipients import clinic_zone
from workups.services.referrals import BOOK_REFERRAL_TASK

SWEEP_REBOOK_AFTER = timedelta(minutes=10)


def follow_ups_for_overdue_orders(*, now: datetime) -> int:
    """An order past its due time (set by its priority) puts 'chase the result' on the worklist."""
    created = 0
    for order in TestOrder.objects.overdue(now).select_related("infant__clinic", "ordered_by"):
        _, new = follow_up_ensure(
            infant=order.infant,
            kind=FollowUpKind.CHASE_RESULT,
            source_key=workup_key(order, "overdue"),
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
    waiting = list(
        Referral.objects.filter(
            Q(status=ReferralStatus.AWAITING_BOOKING, created_at__lte=now - SWEEP_REBOOK_AFTER)
            | Q(status=ReferralStatus.ESCALATED, deadline__gt=now)
        ).values_list("pk", flat=True)
    )
    for pk in waiting:
        enqueue(BOOK_REFERRAL_TASK, referral_id=pk)
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
        zone = clinic_zone(appointment.referral)
        tomorrow = timezone.localtime(now, zone).date() + timedelta(days=1)
        if timezone.localtime(appointment.slot.starts_at, zone).date() != tomorrow:
            continue
        _, new = follow_up_ensure(
            infant=appointment.referral.infant,
            kind=FollowUpKind.CONFIRM_APPOINTMENT,
            source_key=workup_key(appointment, "confirm"),
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
            triage__in=URGENT_TRIAGE,
            created_at__lte=cutoff,
            created_at__gt=cutoff - timedelta(days=settings.FOLLOW_UP_VIDEO_AFTER_DAYS),
        )
        .select_related("infant__clinic")
        .order_by("infant_id", "-created_at")
    )
    latest: dict[int, Assessment] = {}
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
            source_key=workup_key(assessment, "request-video"),
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
