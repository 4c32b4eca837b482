"""A clinic holding one of every kind of object, made with the isolation test's registry
(`tests/test_isolation.py`, `@other_clinic_object`), so a new URL kwarg is covered here too."""

from contextlib import contextmanager

from django.conf import settings
from django.test import override_settings

from clinics.models import Role
from tests.factories import ClinicFactory, InfantFactory, staff
from tests.test_isolation import OTHER_CLINIC_OBJECTS, OtherClinic


def clinic_with_every_object(mrn: str = "ATTACKED-MRN-1") -> OtherClinic:
    clinic = ClinicFactory()
    infant = InfantFactory(clinic=clinic, mrn=mrn)
    world = OtherClinic(clinic=clinic, infant=infant, staff_user=staff(Role.CLINIC_ADMIN, clinic))
    for kwarg, make in OTHER_CLINIC_OBJECTS.items():
        world.created[kwarg] = make(world)
    return world


@contextmanager
def rate_limits_out_of_the_way():
    """The attack suites must reach the views, not the portal's rate limits (which
    tests/security/test_rate_limits.py covers)."""
    rates = {"auth": "100000/min", "caregiver_writes": "100000/min", "uploads": "100000/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates},
        # Every refusal is counted against one denied row: none may be only tallied.
        AUDIT_DENIED_ROWS_PER_MINUTE=1_000_000,
    ):
        yield
