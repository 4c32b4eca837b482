"""Follow-up source keys and notification dedupe keys are stored; their spelling is fixed."""

import pytest

from tests.workups.factories import AppointmentFactory, ReferralFactory
from workups.services import workup_key
from workups.services.keys import MANUAL_PREFIX


@pytest.mark.django_db
def test_keys_keep_the_spelling_stored_rows_hold():
    referral = ReferralFactory()
    appointment = AppointmentFactory()
    assert workup_key(referral, "no-slot") == f"referral:{referral.uuid}:no-slot"
    assert workup_key(appointment, "reminder-2h") == f"appointment:{appointment.uuid}:reminder-2h"
    assert workup_key(appointment) == f"appointment:{appointment.uuid}:"
    assert workup_key(appointment, "confirm").startswith(workup_key(appointment))


def test_a_manual_key_is_new_each_time():
    first, second = workup_key(None), workup_key(None)
    assert first.startswith(f"{MANUAL_PREFIX}:")
    assert first != second
