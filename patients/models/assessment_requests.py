"""An infant waiting to be (re-)assessed, one row however many changes asked for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from patients.models.infants import Infant


class AssessmentRequest(models.Model):
    """An infant waiting to be (re-)assessed. Episodes, results and development changes write it
    in their own transaction; the assessments app consumes it. Several requests before the worker
    gets there coalesce into one row, so one assessment covers them all."""

    infant = models.OneToOneField(
        Infant, on_delete=models.CASCADE, primary_key=True, related_name="assessment_request"
    )
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Values of assessments.models.AssessmentTrigger (which sits above this app).
    trigger = models.CharField(max_length=24)
    # The ruleset to assess with; blank: the one new assessments use.
    ruleset = models.CharField(max_length=20, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"Assessment of {self.infant_id} requested ({self.trigger})"
