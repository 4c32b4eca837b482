from dataclasses import dataclass

import pytest

from clinics.models import Role
from clinics.sms import MemorySmsBackend
from tests.factories import ClinicFactory, InfantFactory, caregiver_of, staff


@dataclass
class Team:
    clinic: object
    pediatrician: object
    colleague: object
    nurse: object
    admin: object
    infant: object
    caregiver: object


def make_team(**infant_fields) -> Team:
    clinic = ClinicFactory()
    pediatrician = staff(Role.PEDIATRICIAN, clinic)
    pediatrician.phone = "+15550001"
    pediatrician.save()
    infant = InfantFactory(clinic=clinic, **infant_fields)
    return Team(
        clinic=clinic,
        pediatrician=pediatrician,
        colleague=staff(Role.PEDIATRICIAN, clinic),
        nurse=staff(Role.NURSE, clinic),
        admin=staff(Role.CLINIC_ADMIN, clinic),
        infant=infant,
        caregiver=caregiver_of(infant),
    )


@pytest.fixture
def team(db) -> Team:
    return make_team()


@pytest.fixture
def other_team(db) -> Team:
    return make_team()


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()
