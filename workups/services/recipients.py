"""Who hears about a work-up: the clinic's staff by role, the infant's caregivers, and the
clinic's clock."""

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import pgettext_lazy

from clinics.models import Clinic, Membership, Role, User
from patients.models import Guardianship, Infant
from workups.models import (
    Referral,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def clinic_staff(clinic: Clinic, *roles: Role) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.active()
        .filter(clinic=clinic, role__in=roles)
        .select_related("user")
        .order_by("created_at")
    ]


def is_clinic_staff(user: User | None, clinic: Clinic, *roles: Role) -> bool:
    """Whether the person holds one of these roles, active, in this clinic."""
    return (
        user is not None
        and Membership.objects.active().filter(user=user, clinic=clinic, role__in=roles).exists()
    )


def pediatricians_else_admins(clinic: Clinic, *, besides: int | None = None) -> list[User]:
    """Who must hear when nobody else has: the clinic's pediatricians (other than the user of id
    `besides`), or its admins when there are none."""
    pediatricians = [user for user in clinic_staff(clinic, Role.PEDIATRICIAN) if user.pk != besides]
    return pediatricians or clinic_staff(clinic, Role.CLINIC_ADMIN)


def caregivers_of(infant: Infant) -> list[User]:
    return [
        guardianship.caregiver
        for guardianship in Guardianship.objects.active()
        .filter(infant=infant)
        .select_related("caregiver")
    ]


def clinic_zone(referral: Referral) -> ZoneInfo:
    return ZoneInfo(referral.infant.clinic.time_zone)


# A family's appointment times, with the day and month names and the word order of their
# language (Django `date` syntax; translators give each language's own).
APPOINTMENT_DATETIME = pgettext_lazy("date format", "l j F Y \\a\\t H:i")
REMINDER_DATETIME = pgettext_lazy("date format", "D j M \\a\\t H:i")


def family_time(moment: datetime, zone: ZoneInfo, date_format: Promise) -> "StrOrPromise":
    """`moment` in the clinic's zone, written when the message is (in its reader's language)."""
    return lazy(
        lambda: dateformat.format(timezone.localtime(moment, zone), str(date_format)), str
    )()
