"""Synthetic work-ups for `manage.py seed_demo`: neurology slots for the coming weeks in each demo
clinic, a few orders and results (one critical glucose), a referral and follow-up tasks. Safe to
run again; with no demo infants it adds slots only."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from clinics.demo import DEMO_CLINICS
from clinics.models import Clinic, Membership, Role
from patients.models import Infant
from workups.models import (
    FollowUpKind,
    NeurologySlot,
    OrderedTest,
    OrderStatus,
    Priority,
    Referral,
    ReferralUrgency,
    TestOrder,
)
from workups.services import (
    follow_up_ensure,
    follow_ups_sweep,
    order_create,
    order_transition,
    referral_create,
    result_record,
)

SLOT_WEEKS = 4
SLOT_TIMES = (time(9, 0), time(14, 0))
DEMO_REASON = "Demo: jittery episodes"
# (ordered test, priority, value, unit); None: ordered and scheduled, no result yet.
ORDERS = [
    (OrderedTest.GLUCOSE_POINT_OF_CARE, Priority.STAT, 35, "mg/dL"),  # critical
    (OrderedTest.TOTAL_CALCIUM, Priority.URGENT, 8.6, "mg/dL"),
    (OrderedTest.MAGNESIUM, Priority.ROUTINE, 1.4, "mg/dL"),
    (OrderedTest.VIDEO_EEG, Priority.URGENT, None, ""),
]


def _slots(clinic: Clinic, today) -> int:
    zone = ZoneInfo(clinic.time_zone)
    added = 0
    for offset in range(1, SLOT_WEEKS * 7 + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for at in SLOT_TIMES:
            _, created = NeurologySlot.objects.get_or_create(
                clinic=clinic,
                neurologist_name=f"Dr. Demo Neurologist ({clinic.name})",
                starts_at=datetime.combine(day, at, tzinfo=zone),
                defaults={"location": "Neurology outpatients, room 3", "length_minutes": 45},
            )
            added += created
    return added


def _orders(infants: list[Infant], pediatrician, nurse) -> None:
    for infant, (test, priority, value, unit) in zip(infants, ORDERS, strict=False):
        if TestOrder.objects.filter(infant=infant, reason_text=DEMO_REASON).exists():
            continue
        order = order_create(
            infant=infant,
            test=test,
            priority=priority,
            ordered_by=pediatrician,
            reason_text=DEMO_REASON,
        )
        if value is None:
            order_transition(order=order, to_status=OrderStatus.SCHEDULED, actor=nurse)
        else:
            result_record(order=order, recorded_by=nurse, value=value, unit=unit)


def seed(log) -> None:
    now = timezone.now()
    for slug, _, _ in DEMO_CLINICS:
        clinic = Clinic.objects.filter(slug=slug).first()
        if clinic is None:
            continue
        added = _slots(clinic, timezone.localtime(now, ZoneInfo(clinic.time_zone)).date())
        staff = {
            m.role: m.user
            for m in Membership.objects.active().filter(clinic=clinic).select_related("user")
        }
        pediatrician, nurse = staff.get(Role.PEDIATRICIAN), staff.get(Role.NURSE)
        infants = list(Infant.objects.filter(clinic=clinic).order_by("-born_at")[: len(ORDERS)])
        if pediatrician and nurse and infants:
            _orders(infants, pediatrician, nurse)
            referred = infants[-1]
            if not Referral.objects.filter(infant=referred, reason=DEMO_REASON).exists():
                referral_create(
                    infant=referred,
                    created_by=pediatrician,
                    reason=DEMO_REASON,
                    urgency=ReferralUrgency.URGENT,
                )
            follow_up_ensure(
                infant=infants[0],
                kind=FollowUpKind.CALL_CAREGIVER,
                source_key=f"demo:{clinic.slug}:call-after-critical-glucose",
                description="Call the family after the low glucose: feeding plan and recheck.",
                due_at=now + timedelta(hours=2),
                created_by=pediatrician,
                assignee=nurse,
            )
        follow_ups_sweep(now=now)
        log(f"  work-ups: {added} new neurology slots at {clinic.name}")
