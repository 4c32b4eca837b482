"""Who hears about a work-up: the clinic's staff by role, the infant's caregivers, and the
clinic's clock."""

from zoneinfo import ZoneInfo

from clinics.models import Membership, Role, User
from patients.models import Guardianship, Infant
from workups.models import (
    Referral,
)


def clinic_staff(clinic, *roles: Role) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.active()
        .filter(clinic=clinic, role__in=roles)
        .select_related("user")
        .order_by("created_at")
    ]


def caregivers_of(infant: Infant) -> list[User]:
    return [
        guardianship.caregiver
        for guardianship in Guardianship.objects.active()
        .filter(infant=infant)
        .select_related("caregiver")
    ]


def clinic_zone(referral: Referral) -> ZoneInfo:
    return ZoneInfo(referral.infant.clinic.time_zone)
