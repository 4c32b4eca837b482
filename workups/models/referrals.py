"""Neurology referrals: urgency from triage, the statuses and the moves between them."""

from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.engine.vocabulary import TRIAGE_TABLE
from assessments.models import Assessment, Triage
from clinics.models import BaseModel
from patients.models import Infant
from workups.models.events import StatusEvent


class ReferralUrgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    SAME_DAY = "same_day", _("Same day (within 24 hours)")
    URGENT = "urgent", _("Urgent (within 7 days)")
    ROUTINE = "routine", _("Routine (within 6 weeks)")


URGENCY_FOR_TRIAGE: dict[str, ReferralUrgency] = {
    Triage(level.code): ReferralUrgency(level.referral_urgency) for level in TRIAGE_TABLE
}
EMERGENCY_INSTRUCTION = "Send to the emergency department now."


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (awaiting a pediatrician)"
    AWAITING_BOOKING = "awaiting_booking", "Awaiting booking"
    BOOKED = "booked", "Booked"
    EMERGENCY_DEPARTMENT = "emergency_department", "Sent to the emergency department"
    ESCALATED = "escalated", "No slot before the deadline"
    CLOSED = "closed", "Closed"


# The only moves a referral may make; `workups.services.referral_transition` enforces this table.
# A new referral starts proposed (by an assessment), awaiting booking, or sent to the emergency
# department (never booked); a booking that finds no slot escalates; a slot added later books it.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.PROPOSED: frozenset({ReferralStatus.AWAITING_BOOKING}),
    ReferralStatus.AWAITING_BOOKING: frozenset({ReferralStatus.BOOKED, ReferralStatus.ESCALATED}),
    ReferralStatus.ESCALATED: frozenset({ReferralStatus.BOOKED}),
    ReferralStatus.BOOKED: frozenset({ReferralStatus.CLOSED}),
    ReferralStatus.EMERGENCY_DEPARTMENT: frozenset(),
    ReferralStatus.CLOSED: frozenset(),
}
REFERRAL_START_STATUSES = frozenset(
    {
        ReferralStatus.PROPOSED,
        ReferralStatus.AWAITING_BOOKING,
        ReferralStatus.EMERGENCY_DEPARTMENT,
    }
)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def for_list(self) -> Self:
        return self.select_related("infant", "created_by").order_by("deadline", "id")


class Referral(BaseModel):
    """A referral to neurology, due by a deadline set by its urgency."""

    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="referrals")
    urgency = models.CharField(max_length=12, choices=ReferralUrgency.choices)
    deadline = models.DateTimeField()
    status = models.CharField(
        max_length=24, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING_BOOKING
    )
    reason = models.TextField()
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()} neurology referral for {self.infant}"

    @property
    def is_proposed(self) -> bool:
        return self.status == ReferralStatus.PROPOSED

    @property
    def instruction(self) -> str:
        return EMERGENCY_INSTRUCTION if self.urgency == ReferralUrgency.EMERGENCY else ""


class ReferralEvent(StatusEvent):
    """One status change of a referral (its creation included), written by `referral_transition`."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=ReferralStatus.choices)
