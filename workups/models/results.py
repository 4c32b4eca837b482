"""What came back for an order: a value with the engine's reading, or a study's interpretation."""

from typing import Self

from django.conf import settings
from django.db import models

from clinics.models import BaseModel
from patients.models import Infant
from workups.models.orders import TestOrder


class ResultFlag(models.TextChoices):
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"
    NOT_INTERPRETED = "not_interpreted", "Not interpreted"


class StudyInterpretation(models.TextChoices):
    NORMAL = "normal", "Normal"
    EPILEPTIFORM = "epileptiform", "Epileptiform discharges (between events)"
    ELECTROGRAPHIC_SEIZURES = "electrographic_seizures", "Electrographic seizures recorded"
    HYPSARRHYTHMIA = "hypsarrhythmia", "Hypsarrhythmia"
    OTHER_ABNORMAL = "other_abnormal", "Other abnormality"


class ResultQuerySet(models.QuerySet["Result"]):
    def for_list(self) -> Self:
        return self.select_related("order", "infant", "recorded_by").order_by("-collected_at")


class Result(BaseModel):
    """What came back for an order: the value as entered and the engine's reading of it for the
    infant's age at collection, or a study's structured interpretation and report."""

    order = models.OneToOneField(TestOrder, on_delete=models.PROTECT, related_name="result")
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="results")
    collected_at = models.DateTimeField()
    age_hours_at_collection = models.FloatField()
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    normalised_value = models.FloatField(null=True, blank=True)
    normalised_unit = models.CharField(max_length=16, blank=True)
    flag = models.CharField(max_length=16, choices=ResultFlag.choices, blank=True)
    interpretation = models.JSONField(
        default=dict, blank=True, help_text="The engine's interpret_lab output."
    )
    study_interpretation = models.CharField(
        max_length=24, choices=StudyInterpretation.choices, blank=True
    )
    captured_typical_event = models.BooleanField(null=True, blank=True)
    # Movement types (episodes.models.MovementType codes) seen during an EEG or video-EEG.
    captured_event_types = models.JSONField(default=list, blank=True)
    report_text = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["-collected_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(study_interpretation__in=[*StudyInterpretation.values, ""]),
                name="result_study_interpretation_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(flag__in=[*ResultFlag.values, ""]), name="result_flag_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.get_test_display()}: {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.value is not None:
            return f"{self.value:g} {self.unit}"
        return self.get_study_interpretation_display() or "-"

    @property
    def is_critical(self) -> bool:
        return self.flag == ResultFlag.CRITICAL
