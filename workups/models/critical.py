"""The critical-value loop: an alert raised on a critical result and its escalations."""

from typing import Self

from django.conf import settings
from django.db import models

from clinics.models import BaseModel
from patients.models import Infant
from workups.models.results import Result


class EscalationLevel(models.IntegerChoices):
    ORDERING_PEDIATRICIAN = 0, "Ordering pediatrician"
    CLINIC_PEDIATRICIANS = 1, "The clinic's other pediatricians"
    CLINIC_ADMIN = 2, "Clinic admin"


class CriticalAlertQuerySet(models.QuerySet["CriticalAlert"]):
    def unacknowledged(self) -> Self:
        return self.filter(acknowledged_at__isnull=True)


class CriticalAlert(BaseModel):
    """A critical result someone must acknowledge; unanswered, it climbs to more people."""

    result = models.OneToOneField(Result, on_delete=models.PROTECT, related_name="critical_alert")
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="critical_alerts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="critical_alerts"
    )
    level = models.PositiveSmallIntegerField(
        choices=EscalationLevel.choices, default=EscalationLevel.ORDERING_PEDIATRICIAN
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the clinician did about the value, recorded with the acknowledgement.
    action_taken = models.CharField(max_length=300, blank=True)

    objects = CriticalAlertQuerySet.as_manager()

    class Meta:
        ordering = ["acknowledged_at", "-created_at"]

    def __str__(self) -> str:
        return f"Critical result for {self.infant}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class CriticalAlertEscalation(BaseModel):
    """One step of an alert's escalation and who was told."""

    alert = models.ForeignKey(CriticalAlert, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices)
    occurred_at = models.DateTimeField()
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "level"], name="escalation_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.alert} escalated to {self.get_level_display()}"
