"""What each person may see of the work-ups. Staff see their clinic's; caregivers see only their
child's upcoming appointments. Every query goes through `infants_visible_to`."""

from django.db.models import QuerySet
from django.utils import timezone

from clinics.models import User
from clinics.selectors import is_clinic_staff, membership_for, url_objects
from patients.models import InfantQuerySet
from patients.selectors import infants_visible_to
from workups.models import (
    Appointment,
    AppointmentQuerySet,
    CriticalAlert,
    CriticalAlertQuerySet,
    FollowUpQuerySet,
    FollowUpTask,
    NeurologySlot,
    Referral,
    ReferralQuerySet,
    Result,
    ResultQuerySet,
    TestOrder,
    TestOrderQuerySet,
)


def _staff_infants(user: User) -> InfantQuerySet | None:
    if not is_clinic_staff(user):
        return None
    return infants_visible_to(user)


def orders_visible_to(user: User) -> TestOrderQuerySet:
    infants = _staff_infants(user)
    return (
        TestOrder.objects.none()
        if infants is None
        else TestOrder.objects.filter(infant__in=infants)
    )


def results_visible_to(user: User) -> ResultQuerySet:
    infants = _staff_infants(user)
    return Result.objects.none() if infants is None else Result.objects.filter(infant__in=infants)


def critical_alerts_visible_to(user: User) -> CriticalAlertQuerySet:
    infants = _staff_infants(user)
    return (
        CriticalAlert.objects.none()
        if infants is None
        else CriticalAlert.objects.filter(infant__in=infants)
    )


def referrals_visible_to(user: User) -> ReferralQuerySet:
    infants = _staff_infants(user)
    return (
        Referral.objects.none() if infants is None else Referral.objects.filter(infant__in=infants)
    )


def follow_ups_visible_to(user: User) -> FollowUpQuerySet:
    infants = _staff_infants(user)
    return (
        FollowUpTask.objects.none()
        if infants is None
        else FollowUpTask.objects.filter(infant__in=infants)
    )


def slots_visible_to(user: User) -> QuerySet[NeurologySlot]:
    membership = membership_for(user)
    if membership is None:
        return NeurologySlot.objects.none()
    return NeurologySlot.objects.filter(clinic_id=membership.clinic_id)


def appointments_visible_to(user: User) -> AppointmentQuerySet:
    """Staff: the clinic's appointments. Caregivers: their children's upcoming ones only."""
    if is_clinic_staff(user):
        return Appointment.objects.filter(referral__infant__in=infants_visible_to(user))
    return appointments_upcoming_for_caregiver(user)


def appointments_upcoming_for_caregiver(user: User) -> AppointmentQuerySet:
    if is_clinic_staff(user):
        return Appointment.objects.none()
    return Appointment.objects.booked().filter(
        referral__infant__in=infants_visible_to(user), slot__starts_at__gt=timezone.now()
    )


def clinic_assignees(user: User) -> QuerySet[User]:
    """Who a follow-up may be assigned to: the clinic's nurses and pediatricians."""
    membership = membership_for(user)
    if membership is None:
        return User.objects.none()
    return User.objects.filter(
        memberships__clinic_id=membership.clinic_id,
        memberships__is_active=True,
        memberships__role__in=["nurse", "pediatrician"],
        is_active=True,
    ).order_by("full_name", "email")


url_objects(
    order_uuid=orders_visible_to,
    critical_alert_uuid=critical_alerts_visible_to,
    referral_uuid=referrals_visible_to,
    slot_uuid=slots_visible_to,
    appointment_uuid=appointments_visible_to,
    followup_uuid=follow_ups_visible_to,
)
