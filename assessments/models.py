from typing import Self

from django.conf import settings
from django.db import models

from assessments.engine.vocabulary import TRIAGE_LEVEL, TRIAGE_TABLE, triage_rank
from clinics.models import BaseModel
from patients.models import Infant


class Triage(models.TextChoices):
    """Ordered from least to most urgent; the levels and all they imply are the engine's
    `TRIAGE_TABLE`; `rank` compares them."""

    REASSURE_MONITOR = "reassure_monitor", TRIAGE_LEVEL["reassure_monitor"].label
    ROUTINE_VISIT = "routine_visit", TRIAGE_LEVEL["routine_visit"].label
    SAME_DAY = "same_day", TRIAGE_LEVEL["same_day"].label
    EMERGENCY = "emergency", TRIAGE_LEVEL["emergency"].label

    @classmethod
    def rank(cls, value: str | None) -> int:
        return triage_rank(value)


URGENT_TRIAGE = tuple(Triage(level.code) for level in TRIAGE_TABLE if level.urgent)


class Cause(models.TextChoices):
    PHYSIOLOGICAL_JITTERINESS = "physiological_jitteriness", "Physiological jitteriness"
    STARTLE_MORO = "startle_moro", "Startle (Moro) reflex"
    BENIGN_NEONATAL_SLEEP_MYOCLONUS = (
        "benign_neonatal_sleep_myoclonus",
        "Benign neonatal sleep myoclonus",
    )
    HYPOCALCEMIA = "hypocalcemia", "Hypocalcemia"
    HYPOGLYCEMIA = "hypoglycemia", "Hypoglycemia"
    NEONATAL_OR_FOCAL_SEIZURE = "neonatal_or_focal_seizure", "Neonatal or focal seizure"
    INFANTILE_SPASMS = "infantile_spasms", "Infantile spasms"
    BENIGN_NONEPILEPTIC_INFANT_PAROXYSM = (
        "benign_nonepileptic_infant_paroxysm",
        "Benign non-epileptic paroxysm of infancy",
    )
    PATHOLOGIC_STARTLE_HYPEREKPLEXIA = (
        "pathologic_startle_hyperekplexia",
        "Pathological startle (hyperekplexia)",
    )
    INFECTION_SEPSIS_MENINGITIS = "infection_sepsis_meningitis", "Infection (sepsis or meningitis)"
    DRUG_EXPOSURE_OR_WITHDRAWAL = "drug_exposure_or_withdrawal", "Drug exposure or withdrawal"


class AssessmentTrigger(models.TextChoices):
    NEW_EPISODE = "new_episode", "New episode"
    NEW_RESULT = "new_result", "New result"
    DEVELOPMENT_CHANGE = "development_change", "Development change"
    CLINICIAN_REQUEST = "clinician_request", "Clinician request"
    RECORD_CHANGE = "record_change", "Infant record changed"
    RULESET_CHANGE = "ruleset_change", "Re-assessed with a new ruleset"


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def for_infant(self, infant: Infant) -> Self:
        return self.filter(infant=infant)

    def latest_first(self) -> Self:
        return self.order_by("-created_at", "-id")


class Assessment(BaseModel):
    """One run of the engine over an infant's record. Immutable (the database refuses updates):
    the exact input and the ruleset version and digest make every conclusion reproducible."""

    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="assessments")
    trigger = models.CharField(max_length=24, choices=AssessmentTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    input_case = models.JSONField()
    result = models.JSONField()
    ruleset_version = models.CharField(max_length=20)
    ruleset_digest = models.CharField(max_length=64)
    triage = models.CharField(max_length=20, choices=Triage.choices)
    leading_cause = models.CharField(max_length=48, choices=Cause.choices, blank=True)
    previous_triage = models.CharField(max_length=20, choices=Triage.choices, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["infant", "-created_at"], name="assessment_infant_time")]

    def __str__(self) -> str:
        return f"{self.get_triage_display()} for {self.infant} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def triage_rose(self) -> bool:
        return Triage.rank(self.triage) > Triage.rank(self.previous_triage or None)

    @property
    def caregiver_advice(self) -> str:
        return self.result.get("caregiver_advice", "")

    @property
    def triage_rules(self) -> list[str]:
        return self.result.get("triage_rules", [])

    @property
    def recommended_tests(self) -> list[str]:
        return self.result.get("recommended_tests", [])


class ReviewDecision(models.TextChoices):
    AGREE = "agree", "Agree with the engine"
    OVERRIDE = "override", "Override"


class AssessmentReview(BaseModel):
    """A pediatrician's judgement, kept beside the engine's result, never replacing it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessment_reviews"
    )
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    triage = models.CharField(max_length=20, choices=Triage.choices, blank=True)
    leading_cause = models.CharField(max_length=48, choices=Cause.choices, blank=True)
    reason = models.TextField(blank=True)
    # Written for the family and shown in the portal; the reason above is for clinicians.
    family_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="agree")
                | (~models.Q(reason="") & (~models.Q(triage="") | ~models.Q(leading_cause=""))),
                name="review_override_has_reason_and_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer}"


class TriageAlertQuerySet(models.QuerySet["TriageAlert"]):
    def unacknowledged(self) -> Self:
        return self.filter(acknowledged_at__isnull=True)


class TriageAlert(BaseModel):
    """Raised when an assessment's triage rises to same-day or emergency."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="alert")
    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="triage_alerts")
    triage = models.CharField(max_length=20, choices=Triage.choices)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TriageAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["infant", "acknowledged_at"], name="triagealert_infant_open")
        ]

    def __str__(self) -> str:
        return f"{self.get_triage_display()} alert for {self.infant}"
