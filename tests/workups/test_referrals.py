import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Triage
from clinics.models import Notification, NotificationKind
from clinics.sms import MemorySmsBackend
from tests.workups.conftest import make_team
from tests.workups.factories import (
    AppointmentFactory,
    AssessmentFactory,
    ReferralFactory,
    SlotFactory,
)
from workups.models import (
    EMERGENCY_INSTRUCTION,
    Appointment,
    AppointmentStatus,
    FollowUpKind,
    FollowUpTask,
    Referral,
    ReferralStatus,
    ReferralUrgency,
)
from workups.services import (
    appointment_outcome_record,
    appointment_reminders_send,
    referral_book,
    referral_create,
)
from workups.tasks import referral_book_task


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("triage", "urgency", "hours"),
    [
        (Triage.SAME_DAY, ReferralUrgency.SAME_DAY, 24),
        (Triage.ROUTINE_VISIT, ReferralUrgency.ROUTINE, 24 * 42),
        (Triage.REASSURE_MONITOR, ReferralUrgency.ROUTINE, 24 * 42),
    ],
)
def test_urgency_and_deadline_follow_the_latest_triage(
    team, django_capture_on_commit_callbacks, triage, urgency, hours
):
    AssessmentFactory(infant=team.infant, triage=triage)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        referral = referral_create(
            infant=team.infant, created_by=team.pediatrician, reason="Jerks", now=now
        )
    assert (referral.urgency, referral.deadline) == (urgency, now + timedelta(hours=hours))
    assert referral.status == ReferralStatus.AWAITING_BOOKING
    assert len(callbacks) == 1, "booking is queued after commit"


@pytest.mark.django_db
def test_a_chosen_urgent_referral_is_due_within_seven_days(team):
    now = timezone.now()
    referral = referral_create(
        infant=team.infant,
        created_by=team.pediatrician,
        reason="Jerks",
        urgency=ReferralUrgency.URGENT,
        now=now,
    )
    assert referral.deadline == now + timedelta(days=7)


@pytest.mark.django_db
def test_an_emergency_is_an_instruction_to_go_now_and_is_never_booked(
    team, django_capture_on_commit_callbacks
):
    SlotFactory(clinic=team.clinic, starts_at=timezone.now() + timedelta(hours=1))
    AssessmentFactory(infant=team.infant, triage=Triage.EMERGENCY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        referral = referral_create(infant=team.infant, created_by=team.pediatrician, reason="x")
    assert referral.urgency == ReferralUrgency.EMERGENCY
    assert referral.status == ReferralStatus.EMERGENCY_DEPARTMENT
    assert referral.instruction == EMERGENCY_INSTRUCTION
    assert not Appointment.objects.exists()
    assert not any("referral_book" in repr(callback) for callback in callbacks)


@pytest.mark.django_db
def test_booking_takes_the_earliest_free_slot_of_the_clinic_before_the_deadline(
    team, other_team, django_capture_on_commit_callbacks
):
    now = timezone.now()
    team.caregiver.phone = "+15550002"
    team.caregiver.save()
    referral = ReferralFactory(
        infant=team.infant, created_by=team.pediatrician, deadline=now + timedelta(days=3)
    )
    SlotFactory(clinic=team.clinic, starts_at=now - timedelta(hours=1))  # past
    SlotFactory(clinic=other_team.clinic, starts_at=now + timedelta(hours=2))  # other clinic
    taken = SlotFactory(clinic=team.clinic, starts_at=now + timedelta(hours=3))
    AppointmentFactory(slot=taken, referral__infant=team.infant)
    earliest = SlotFactory(clinic=team.clinic, starts_at=now + timedelta(days=1))
    SlotFactory(clinic=team.clinic, starts_at=now + timedelta(days=2))
    SlotFactory(clinic=team.clinic, starts_at=now + timedelta(days=4))  # after the deadline
    with django_capture_on_commit_callbacks(execute=True):
        appointment = referral_book(referral=referral, now=now)
    assert appointment.slot == earliest
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED
    note = Notification.objects.get(recipient=team.caregiver)
    assert note.kind == NotificationKind.APPOINTMENT
    assert [m.to for m in MemorySmsBackend.outbox] == ["+15550002"]
    assert referral_book(referral=referral, now=now) == appointment, "a rerun books nothing more"
    assert Appointment.objects.filter(referral=referral).count() == 1


@pytest.mark.django_db
def test_no_slot_before_the_deadline_escalates_to_a_nurse_task_and_the_pediatrician(
    team, django_capture_on_commit_callbacks
):
    now = timezone.now()
    referral = ReferralFactory(
        infant=team.infant,
        created_by=team.pediatrician,
        urgency=ReferralUrgency.SAME_DAY,
        deadline=now + timedelta(hours=24),
    )
    SlotFactory(clinic=team.clinic, starts_at=now + timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert referral_book(referral=referral, now=now) is None
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ESCALATED
    task = FollowUpTask.objects.get(infant=team.infant)
    assert task.kind == FollowUpKind.CALL_CAREGIVER
    assert task.created_by_sweep
    alert = Notification.objects.get(recipient=team.pediatrician)
    assert alert.kind == NotificationKind.ESCALATION
    referral_book(referral=referral, now=now)
    assert FollowUpTask.objects.count() == 1


@pytest.mark.django_db
def test_reminders_go_24_and_2_hours_before_and_never_twice(
    team, django_capture_on_commit_callbacks
):
    now = timezone.now()
    slot = SlotFactory(clinic=team.clinic, starts_at=now + timedelta(hours=30))
    AppointmentFactory(slot=slot, referral__infant=team.infant)
    with django_capture_on_commit_callbacks(execute=True):
        assert appointment_reminders_send(now=now) == 0
        assert appointment_reminders_send(now=now + timedelta(hours=7)) == 1
        assert appointment_reminders_send(now=now + timedelta(hours=8)) == 0
        assert appointment_reminders_send(now=now + timedelta(hours=28, minutes=30)) == 1
        assert appointment_reminders_send(now=now + timedelta(hours=29)) == 0
        assert appointment_reminders_send(now=now + timedelta(hours=31)) == 0
    keys = sorted(
        Notification.objects.filter(recipient=team.caregiver).values_list("dedupe_key", flat=True)
    )
    assert [k.rsplit(":", 1)[1] for k in keys] == ["reminder-24h", "reminder-2h"]


@pytest.mark.django_db
def test_a_missed_appointment_puts_a_call_on_the_worklist(team):
    appointment = AppointmentFactory(referral__infant=team.infant)
    appointment_outcome_record(
        appointment=appointment, outcome=AppointmentStatus.NO_SHOW, recorded_by=team.nurse
    )
    task = FollowUpTask.objects.get()
    assert task.kind == FollowUpKind.CALL_CAREGIVER
    assert task.created_by == team.nurse


@pytest.mark.django_db
def test_a_cancelled_appointment_frees_its_slot(team):
    appointment = AppointmentFactory(referral__infant=team.infant)
    appointment_outcome_record(
        appointment=appointment, outcome=AppointmentStatus.CANCELLED, recorded_by=team.nurse
    )
    referral = ReferralFactory(infant=team.infant, created_by=team.pediatrician)
    assert referral_book(referral=referral).slot == appointment.slot


@pytest.mark.services
def test_a_referral_is_booked_before_its_deadline_by_a_real_worker(postgres, celery_worker):
    team = make_team()
    now = timezone.now()
    slot = SlotFactory(clinic=team.clinic, starts_at=now + timedelta(hours=20))
    SlotFactory(clinic=team.clinic, starts_at=now + timedelta(hours=40))
    with transaction.atomic():
        referral = referral_create(
            infant=team.infant,
            created_by=team.pediatrician,
            reason="Clusters of jerks",
            urgency=ReferralUrgency.SAME_DAY,
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        referral.refresh_from_db()
        if referral.status != ReferralStatus.AWAITING_BOOKING:
            break
        time.sleep(0.1)
    assert referral.status == ReferralStatus.BOOKED
    appointment = referral.appointments.get()
    assert appointment.slot == slot
    assert slot.starts_at <= referral.deadline


@pytest.mark.services
def test_200_referrals_from_8_threads_book_100_slots_exactly_once(
    postgres, transactional_db, measured
):
    team = make_team()
    now = timezone.now()
    for hour in range(100):
        SlotFactory(clinic=team.clinic, starts_at=now + timedelta(hours=2, minutes=30 * hour))
    referrals = [
        ReferralFactory(
            infant=team.infant, created_by=team.pediatrician, deadline=now + timedelta(days=7)
        ).pk
        for _ in range(200)
    ]

    def book(chunk):
        try:
            return [referral_book_task(pk) for pk in chunk]
        finally:
            connection.close()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(book, [referrals[i::8] for i in range(8)]))
    elapsed = time.monotonic() - started

    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    assert booked.count() == 100
    assert booked.values("slot").distinct().count() == 100
    statuses = Referral.objects.values_list("status", flat=True)
    assert sorted(set(statuses)) == [ReferralStatus.BOOKED, ReferralStatus.ESCALATED]
    assert list(statuses).count(ReferralStatus.ESCALATED) == 100
    assert FollowUpTask.objects.filter(kind=FollowUpKind.CALL_CAREGIVER).count() == 100
    measured(f"concurrency: 100 booked, 100 escalated, 200 referrals in {elapsed:.2f}s")


@pytest.mark.django_db
def test_a_pediatrician_confirms_a_proposed_referral_and_it_is_booked(
    team, token_client, django_capture_on_commit_callbacks
):
    SlotFactory(clinic=team.clinic, starts_at=timezone.now() + timedelta(hours=10))
    proposal = ReferralFactory(
        infant=team.infant, status=ReferralStatus.PROPOSED, urgency=ReferralUrgency.SAME_DAY
    )
    url = reverse("api:referral-confirm", kwargs={"referral_uuid": proposal.uuid})
    assert token_client(team.nurse).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(team.colleague).post(url)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ReferralStatus.BOOKED
    assert proposal.created_by == team.colleague


@pytest.mark.django_db
def test_confirming_an_appointment_takes_the_confirmation_call_off_the_worklist(team, token_client):
    from workups.services import follow_ups_sweep

    now = timezone.now()
    appointment = AppointmentFactory(
        referral__infant=team.infant, slot__starts_at=now + timedelta(days=1)
    )
    follow_ups_sweep(now=now)
    url = reverse("api:appointment-confirm", kwargs={"appointment_uuid": appointment.uuid})
    assert token_client(team.nurse).post(url).json()["confirmed_at"] is not None
    assert not FollowUpTask.objects.open().exists()


@pytest.mark.django_db
def test_a_repeated_reminder_task_run_sends_nothing_twice(team, django_capture_on_commit_callbacks):
    from django.core import mail

    from workups.tasks import appointment_reminders_task

    team.caregiver.phone = "+15550003"
    team.caregiver.save()
    AppointmentFactory(
        referral__infant=team.infant, slot__starts_at=timezone.now() + timedelta(minutes=90)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert appointment_reminders_task() == 1
        assert appointment_reminders_task() == 0
    assert len(mail.outbox) == 1
    assert len(MemorySmsBackend.outbox) == 1


@pytest.mark.django_db
def test_every_move_of_a_referral_is_an_event_from_creation_to_closing(
    team, django_capture_on_commit_callbacks
):
    SlotFactory(clinic=team.clinic, starts_at=timezone.now() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_create(
            infant=team.infant,
            created_by=team.pediatrician,
            reason="Jerks",
            urgency=ReferralUrgency.URGENT,
        )
    appointment = referral.appointments.get()
    appointment_outcome_record(
        appointment=appointment, outcome=AppointmentStatus.ATTENDED, recorded_by=team.nurse
    )
    moves = list(referral.events.values_list("from_status", "to_status", "actor"))
    assert moves == [
        ("", ReferralStatus.AWAITING_BOOKING, team.pediatrician.pk),
        (ReferralStatus.AWAITING_BOOKING, ReferralStatus.BOOKED, None),
        (ReferralStatus.BOOKED, ReferralStatus.CLOSED, team.nurse.pk),
    ]
