"""The appointment times neurologists offer a clinic."""

from django.db import models

from clinics.models import BaseModel, Clinic


class NeurologySlot(BaseModel):
    """An appointment time a neurologist offers the clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="neurology_slots")
    neurologist_name = models.CharField(max_length=200)
    location = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    length_minutes = models.PositiveSmallIntegerField(default=30)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(length_minutes__gte=5), name="slot_length_at_least_5_minutes"
            )
        ]
        indexes = [models.Index(fields=["clinic", "starts_at"], name="slot_clinic_start")]

    def __str__(self) -> str:
        return f"{self.neurologist_name}, {self.starts_at:%Y-%m-%d %H:%M} ({self.location})"
