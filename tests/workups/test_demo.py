import io

import pytest
from django.core.management import call_command

from workups.demo import seed
from workups.models import (
    Appointment,
    CriticalAlert,
    FollowUpTask,
    NeurologySlot,
    Referral,
    Result,
    TestOrder,
)

MODELS = (NeurologySlot, TestOrder, Result, CriticalAlert, Referral, Appointment, FollowUpTask)


@pytest.mark.django_db
def test_seed_demo_adds_slots_orders_a_critical_glucose_a_referral_and_follow_ups_once(
    django_capture_on_commit_callbacks,
):
    # The referral is booked after the first run commits; the second run's sweep then asks a
    # nurse to confirm tomorrow's appointment. From there on a rerun adds nothing.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", stdout=io.StringIO())
    counts = [model.objects.count() for model in MODELS]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert [model.objects.count() for model in MODELS] == counts
    assert CriticalAlert.objects.count() == 2, "one critical glucose per demo clinic"
    assert Appointment.objects.count() == 2
    assert FollowUpTask.objects.exists()
    assert NeurologySlot.objects.count() >= 2 * 2 * 5 * 3


@pytest.mark.django_db
def test_the_work_ups_demo_creates_nothing_clinical_without_demo_infants():
    lines = []
    seed(lines.append)
    assert lines == []
    assert not NeurologySlot.objects.exists()
