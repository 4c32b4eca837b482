"""Developmental milestones and the caregiver's entries against them."""

from typing import Self

from django.conf import settings
from django.db import models

from clinics.models import BaseModel
from patients.models.infants import Infant


class Milestone(models.TextChoices):
    """Developmental milestones of the first year; windows and sources: patients/development.py"""

    SOCIAL_SMILE = "social_smile", "Smiles when talked to or smiled at"
    HEAD_UP_PRONE = "head_up_prone", "Holds head up when on tummy"
    COOS = "coos", "Makes sounds other than crying (coos)"
    HEAD_STEADY = "head_steady", "Holds head steady without support when held"
    HANDS_TO_MOUTH = "hands_to_mouth", "Brings hands to mouth"
    LAUGHS = "laughs", "Laughs"
    ROLLS_OVER = "rolls_over", "Rolls from tummy to back"
    REACHES_FOR_TOY = "reaches_for_toy", "Reaches to grab a toy"
    SITS_WITHOUT_SUPPORT = "sits_without_support", "Sits without support"
    BABBLES = "babbles", "Babbles (mamama, bababa)"
    CRAWLS = "crawls", "Crawls on hands and knees"
    STANDS_WITH_ASSISTANCE = "stands_with_assistance", "Stands with assistance"
    WALKS_WITH_ASSISTANCE = "walks_with_assistance", "Walks holding on"
    WAVES_BYE_BYE = "waves_bye_bye", "Waves bye-bye"
    STANDS_ALONE = "stands_alone", "Stands alone"
    WALKS_ALONE = "walks_alone", "Walks alone"


class MilestoneStatus(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    NOT_YET = "not_yet", "Not yet"
    LOST = "lost", "Lost (could do it before, cannot now)"


class MilestoneEntryQuerySet(models.QuerySet["MilestoneEntry"]):
    def chronological(self) -> Self:
        return self.order_by("observed_on", "created_at", "id")


class MilestoneEntry(BaseModel):
    """One observation in an infant's developmental log, by a caregiver or a clinician."""

    infant = models.ForeignKey(Infant, on_delete=models.CASCADE, related_name="milestone_entries")
    milestone = models.CharField(max_length=32, choices=Milestone.choices)
    status = models.CharField(max_length=16, choices=MilestoneStatus.choices)
    observed_on = models.DateField("date observed")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MilestoneEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_on", "-created_at"]
        verbose_name_plural = "milestone entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(milestone__in=Milestone.values),
                name="milestone_entry_milestone_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MilestoneStatus.values),
                name="milestone_entry_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["infant", "observed_on"], name="milestone_infant_date")]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()}: {self.get_status_display()} ({self.observed_on})"
