"""The periodic sweeps put each piece of undone work on the worklist once, on a controlled clock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import AssessmentTrigger, Triage
from tests.factories import EpisodeFactory
from tests.workups.factories import (
    AppointmentFactory,
    AssessmentFactory,
    ReferralFactory,
    SlotFactory,
    TestOrderFactory,
)
from workups.models import FollowUpKind, FollowUpTask, Priority, ReferralStatus
from workups.services import follow_ups_sweep
from workups.tasks import follow_ups_sweep_task

pytestmark = pytest.mark.django_db


def _kinds():
    return sorted(FollowUpTask.objects.values_list("kind", flat=True))


def test_an_overdue_order_is_chased_once(team):
    now = timezone.now()
    TestOrderFactory(infant=team.infant, priority=Priority.STAT, due_by=now - timedelta(minutes=1))
    TestOrderFactory(infant=team.infant, due_by=now + timedelta(minutes=1))
    TestOrderFactory(infant=team.infant, due_by=now - timedelta(days=1), status="resulted")
    assert follow_ups_sweep(now=now)["chase_result"] == 1
    assert follow_ups_sweep(now=now)["chase_result"] == 0
    assert _kinds() == [FollowUpKind.CHASE_RESULT]
    assert FollowUpTask.objects.get().created_by_sweep == "overdue_orders"


def test_an_unconfirmed_appointment_tomorrow_is_confirmed_by_a_nurse_once(team):
    team.clinic.time_zone = "Europe/London"
    team.clinic.save()
    now = timezone.now().replace(hour=10, minute=0)
    tomorrow = SlotFactory(clinic=team.clinic, starts_at=now + timedelta(days=1))
    AppointmentFactory(slot=tomorrow, referral__infant=team.infant)
    confirmed = AppointmentFactory(
        slot__starts_at=now + timedelta(days=1, minutes=30),
        referral__infant=team.infant,
        confirmed_at=now,
    )
    AppointmentFactory(slot__starts_at=now + timedelta(days=3), referral__infant=team.infant)
    assert follow_ups_sweep(now=now)["confirm_appointment"] == 1
    assert follow_ups_sweep(now=now)["confirm_appointment"] == 0
    task = FollowUpTask.objects.get()
    assert task.kind == FollowUpKind.CONFIRM_APPOINTMENT
    assert str(confirmed.uuid) not in task.source_key


@pytest.mark.parametrize("triage", [Triage.SAME_DAY, Triage.EMERGENCY])
def test_seven_days_of_silence_after_a_concerning_assessment_asks_for_a_video(team, triage):
    now = timezone.now()
    AssessmentFactory(
        infant=team.infant, triage=triage, created_at=now - timedelta(days=7, hours=1)
    )
    assert follow_ups_sweep(now=now - timedelta(days=1))["request_video"] == 0
    assert follow_ups_sweep(now=now)["request_video"] == 1
    assert follow_ups_sweep(now=now)["request_video"] == 0
    assert _kinds() == [FollowUpKind.REQUEST_VIDEO]


def test_a_family_that_logged_an_episode_is_not_asked_for_a_video(team):
    now = timezone.now()
    AssessmentFactory(
        infant=team.infant, triage=Triage.SAME_DAY, created_at=now - timedelta(days=8)
    )
    EpisodeFactory(infant=team.infant, reported_by=team.caregiver)
    AssessmentFactory(
        triage=Triage.ROUTINE_VISIT,
        trigger=AssessmentTrigger.NEW_EPISODE,
        created_at=now - timedelta(days=8),
    )
    assert follow_ups_sweep(now=now)["request_video"] == 0


def test_a_referral_whose_booking_message_was_lost_is_booked_by_the_sweep(team):
    now = timezone.now()
    referral = ReferralFactory(infant=team.infant, created_by=team.pediatrician)
    type(referral).objects.filter(pk=referral.pk).update(created_at=now - timedelta(hours=1))
    SlotFactory(clinic=team.clinic, starts_at=now + timedelta(days=1))
    assert follow_ups_sweep_task()["rebooked_referrals"] == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED
    assert follow_ups_sweep(now=now)["rebooked_referrals"] == 0


def test_an_escalated_referral_is_booked_when_a_slot_is_added_before_its_deadline(
    team, django_capture_on_commit_callbacks
):
    from workups.services import referral_book

    now = timezone.now()
    referral = ReferralFactory(infant=team.infant, created_by=team.pediatrician)
    referral_book(referral=referral, now=now)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ESCALATED
    SlotFactory(clinic=team.clinic, starts_at=now + timedelta(days=2))
    assert follow_ups_sweep(now=now)["rebooked_referrals"] == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED
    call = FollowUpTask.objects.get(kind=FollowUpKind.CALL_CAREGIVER)
    assert call.status == "cancelled"
    assert "Booked for" in call.outcome_note
    assert follow_ups_sweep(now=now)["rebooked_referrals"] == 0
