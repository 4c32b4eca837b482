"""A referral booked into a slot, and what happened at it."""

from typing import Self

from django.db import models

from clinics.models import BaseModel
from workups.models.referrals import Referral
from workups.models.slots import NeurologySlot


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


OUTCOMES = (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def booked(self) -> Self:
        return self.filter(status=AppointmentStatus.BOOKED)

    def for_list(self) -> Self:
        return self.select_related("slot", "referral__infant").order_by("slot__starts_at", "id")


class Appointment(BaseModel):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="appointments")
    slot = models.ForeignKey(NeurologySlot, on_delete=models.PROTECT, related_name="appointments")
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [
            # A slot holds one appointment at a time; a cancelled one frees it.
            models.UniqueConstraint(
                fields=["slot"],
                condition=~models.Q(status="cancelled"),
                name="appointment_one_active_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral.infant} with {self.slot}"
