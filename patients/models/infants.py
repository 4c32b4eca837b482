"""The infant's record: birth history, examination, medication, and what is derived from them."""

from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinics.models import BaseModel, Clinic
from patients.models.vocabulary import (
    BIRTH_WEIGHT_MAX_G,
    BIRTH_WEIGHT_MIN_G,
    GESTATION_MAX_WEEKS,
    GESTATION_MIN_WEEKS,
    LOW_BIRTH_WEIGHT_G,
    NEONATAL_PERIOD_DAYS,
    PRETERM_BEFORE_WEEKS,
    TERM_WEEKS,
    VERY_LOW_BIRTH_WEIGHT_G,
    DevelopmentStatus,
    FamilyHistory,
    Feeding,
    Fontanelle,
    Head,
    MaternalDiabetes,
    MaternalDrug,
    MedicationDrug,
    MedicationResponse,
    NeuroExam,
    Sex,
    SizeForGestationalAge,
    SkinSign,
)


class InfantQuerySet(models.QuerySet["Infant"]):
    def in_clinic(self, clinic: Clinic) -> Self:
        return self.filter(clinic=clinic)

    def search(self, text: str) -> Self:
        """Name, medical record number, or date of birth (YYYY-MM-DD)."""
        text = (text or "").strip()
        if not text:
            return self
        query = (
            models.Q(given_name__icontains=text)
            | models.Q(family_name__icontains=text)
            | models.Q(mrn__iexact=text)
        )
        try:
            born = datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 - the date only
        except ValueError:
            parts = text.split()
            if len(parts) == 2:
                query |= models.Q(given_name__icontains=parts[0], family_name__icontains=parts[1])
        else:
            query |= models.Q(born_on=born)
        return self.filter(query)


def _days_display(days: int) -> str:
    if days < 28:
        return f"{days} days"
    if days < 91:
        return f"{days // 7} weeks {days % 7} days"
    return f"{int(days / 30.4375)} months"


class Infant(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="infants")
    mrn = models.CharField("medical record number", max_length=40)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    sex = models.CharField(max_length=16, choices=Sex.choices)
    born_at = models.DateTimeField("date and time of birth")
    # Kept beside born_at so a search by date of birth is an indexed equality.
    born_on = models.DateField(editable=False)
    gestational_weeks = models.PositiveSmallIntegerField(
        "gestational age at birth (weeks)",
        validators=[
            MinValueValidator(GESTATION_MIN_WEEKS),
            MaxValueValidator(GESTATION_MAX_WEEKS),
        ],
    )
    gestational_days = models.PositiveSmallIntegerField(
        "and days", default=0, validators=[MaxValueValidator(6)]
    )
    birth_weight_g = models.PositiveIntegerField(
        "birth weight (g)",
        validators=[
            MinValueValidator(BIRTH_WEIGHT_MIN_G),
            MaxValueValidator(BIRTH_WEIGHT_MAX_G),
        ],
    )
    maternal_diabetes = models.CharField(
        max_length=16, choices=MaternalDiabetes.choices, default=MaternalDiabetes.UNKNOWN
    )
    feeding = models.CharField(max_length=32, choices=Feeding.choices, blank=True)
    maternal_hyperparathyroidism = models.BooleanField(default=False)
    maternal_vitamin_d_deficiency = models.BooleanField(default=False)
    # Lists of codes (empty = none known); the engine reads them as given (contract 2).
    maternal_drug_exposure = models.JSONField(default=list, blank=True)
    maternal_drug_details = models.CharField(max_length=200, blank=True)
    size_for_gestational_age = models.CharField(
        max_length=4, choices=SizeForGestationalAge.choices, blank=True
    )
    skin_signs = models.JSONField(default=list, blank=True)
    head = models.CharField(max_length=16, choices=Head.choices, blank=True)
    fontanelle = models.CharField(max_length=8, choices=Fontanelle.choices, blank=True)
    family_history = models.JSONField(default=list, blank=True)
    neuro_exam = models.JSONField(
        "neurological examination", default=list, blank=True, help_text="Empty: not examined."
    )
    # [{"drug": MedicationDrug, "given_at": ISO 8601 time, "response": MedicationResponse}]
    medications = models.JSONField("medications given", default=list, blank=True)
    # A clinician's judgement of development; when blank, the milestone log decides.
    development_status_override = models.CharField(
        max_length=32, choices=DevelopmentStatus.choices, blank=True
    )
    development_override_reason = models.CharField(max_length=300, blank=True)
    assigned_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_infants",
    )
    # Where the infant stands now, kept by the assessments app (its latest assessment, or a
    # clinician's override of it): the dashboard sorts on it and the portal shows the advice.
    # Values are assessments.models.Triage and Cause codes; that app sits above this one.
    current_triage = models.CharField(max_length=20, blank=True)
    current_triage_rank = models.SmallIntegerField(default=-1)
    current_leading_cause = models.CharField(max_length=48, blank=True)
    caregiver_advice = models.TextField(blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    # The dashboard's sort and filter keys beside the triage, kept in the same transaction by
    # the services that raise and answer alerts and move orders (assessments, workups): an
    # unacknowledged critical result, the oldest unacknowledged triage alert, the open orders.
    # Stored so the page reads the top of an index and its count reads no other table.
    critical_alert_open = models.BooleanField(default=False)
    triage_alert_open = models.BooleanField(default=False)
    triage_alert_open_since = models.DateTimeField(null=True, blank=True)
    open_order_count = models.PositiveIntegerField(default=0)

    objects = InfantQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "mrn"], name="infant_mrn_unique_in_clinic"),
            models.CheckConstraint(
                condition=models.Q(
                    birth_weight_g__gte=BIRTH_WEIGHT_MIN_G, birth_weight_g__lte=BIRTH_WEIGHT_MAX_G
                ),
                name="infant_birth_weight_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    gestational_weeks__gte=GESTATION_MIN_WEEKS,
                    gestational_weeks__lte=GESTATION_MAX_WEEKS,
                ),
                name="infant_gestation_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(gestational_days__gte=0, gestational_days__lte=6),
                name="infant_gestational_days_0_6",
            ),
            models.CheckConstraint(
                # Birth cannot follow registration; the service also checks against now.
                condition=models.Q(born_at__lte=models.F("created_at")),
                name="infant_birth_not_in_future",
            ),
            models.CheckConstraint(condition=models.Q(sex__in=Sex.values), name="infant_sex_valid"),
            models.CheckConstraint(
                condition=models.Q(maternal_diabetes__in=MaternalDiabetes.values),
                name="infant_maternal_diabetes_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    size_for_gestational_age__in=[*SizeForGestationalAge.values, ""]
                ),
                name="infant_size_for_gestational_age_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(head__in=[*Head.values, ""]), name="infant_head_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(fontanelle__in=[*Fontanelle.values, ""]),
                name="infant_fontanelle_valid",
            ),
            models.CheckConstraint(
                # A clinician's override of the development status always carries a reason.
                condition=models.Q(development_status_override="")
                | ~models.Q(development_override_reason=""),
                name="infant_development_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "family_name", "given_name"], name="infant_clinic_name"),
            models.Index(fields=["clinic", "born_on"], name="infant_clinic_born_on"),
            models.Index(
                fields=["clinic", "-current_triage_rank", "assessed_at"],
                name="infant_clinic_triage",
            ),
            # The dashboard's order (dashboard.selectors.DASHBOARD_ORDER), per clinic.
            models.Index(
                "clinic",
                models.F("critical_alert_open").desc(),
                models.F("triage_alert_open").desc(),
                models.F("current_triage_rank").desc(),
                Coalesce("triage_alert_open_since", "assessed_at").asc(nulls_last=True),
                "id",
                name="infant_clinic_dashboard",
            ),
            # The dashboard's count and its per-triage tally, read from the index alone.
            models.Index(
                fields=[
                    "clinic",
                    "current_triage",
                    "current_triage_rank",
                    "critical_alert_open",
                    "triage_alert_open",
                    "open_order_count",
                ],
                name="infant_clinic_dashboard_count",
            ),
        ]

    # Set by the infant API before it answers (patients.selectors.infant_development_status).
    development_status: str

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age(self, at=None) -> timedelta:
        return (at or timezone.now()) - self.born_at

    @property
    def age_hours(self) -> float:
        return self.age().total_seconds() / 3600

    @property
    def age_days(self) -> int:
        return self.age().days

    @property
    def gestation_total_days(self) -> int:
        return self.gestational_weeks * 7 + self.gestational_days

    @property
    def gestation_weeks_decimal(self) -> float:
        return round(self.gestation_total_days / 7, 1)

    @property
    def is_preterm(self) -> bool:
        return self.gestational_weeks < PRETERM_BEFORE_WEEKS

    @property
    def is_low_birth_weight(self) -> bool:
        return self.birth_weight_g < LOW_BIRTH_WEIGHT_G

    @property
    def is_very_low_birth_weight(self) -> bool:
        return self.birth_weight_g < VERY_LOW_BIRTH_WEIGHT_G

    @property
    def is_neonate(self) -> bool:
        return self.age_days < NEONATAL_PERIOD_DAYS

    @property
    def corrected_age_days(self) -> int | None:
        """Age corrected for prematurity (chronological age minus the weeks born early);
        None for term infants, for whom it equals the chronological age."""
        if not self.is_preterm:
            return None
        return self.age_days - (TERM_WEEKS * 7 - self.gestation_total_days)

    @property
    def effective_age_days(self) -> int:
        """The age milestones are judged against: corrected for preterm infants."""
        corrected = self.corrected_age_days
        return self.age_days if corrected is None else corrected

    @property
    def age_display(self) -> str:
        """Hours in the first three days (when hours matter clinically), then days, weeks,
        months."""
        hours = int(self.age_hours)
        if hours < 72:
            return f"{hours} h"
        return _days_display(self.age_days)

    @property
    def open_critical_result_count(self) -> int:
        """Critical results (work-ups' CriticalAlert) nobody has acknowledged yet."""
        return self.critical_alerts.filter(acknowledged_at__isnull=True).count()

    @property
    def corrected_age_display(self) -> str:
        corrected = self.corrected_age_days
        if corrected is None:
            return ""
        if corrected < 0:
            return f"{-corrected} days before term"
        return _days_display(corrected)

    @property
    def risk_factors(self) -> list[str]:
        factors = []
        if self.is_preterm:
            factors.append(f"Preterm ({self.gestational_weeks}+{self.gestational_days} weeks)")
        if self.is_very_low_birth_weight:
            factors.append(f"Very low birth weight ({self.birth_weight_g} g)")
        elif self.is_low_birth_weight:
            factors.append(f"Low birth weight ({self.birth_weight_g} g)")
        if self.maternal_diabetes in (MaternalDiabetes.GESTATIONAL, MaternalDiabetes.PRE_EXISTING):
            factors.append(f"Maternal diabetes ({self.get_maternal_diabetes_display().lower()})")
        if self.maternal_hyperparathyroidism:
            factors.append("Maternal hyperparathyroidism")
        if self.maternal_vitamin_d_deficiency:
            factors.append("Maternal vitamin D deficiency")
        if self.maternal_drug_exposure:
            drugs = ", ".join(_labels(MaternalDrug, self.maternal_drug_exposure))
            detail = f"; {self.maternal_drug_details}" if self.maternal_drug_details else ""
            factors.append(f"Maternal drug exposure: {drugs}{detail}")
        if self.size_for_gestational_age in (SizeForGestationalAge.SGA, SizeForGestationalAge.LGA):
            factors.append(self.get_size_for_gestational_age_display())
        factors.extend(f"Family history: {label}" for label in self.family_history_labels)
        return factors

    @property
    def family_history_labels(self) -> list[str]:
        return _labels(FamilyHistory, self.family_history)

    @property
    def neuro_exam_display(self) -> str:
        return ", ".join(_labels(NeuroExam, self.neuro_exam)) or NeuroExam.NOT_DONE.label

    @property
    def skin_signs_display(self) -> str:
        return ", ".join(_labels(SkinSign, self.skin_signs))

    @property
    def medications_display(self) -> list[str]:
        """One line per dose given: drug, when, and what it did to the movements."""
        drugs, responses = dict(MedicationDrug.choices), dict(MedicationResponse.choices)
        lines = []
        for dose in self.medications:
            given = datetime.fromisoformat(dose["given_at"])
            hours = round((given - self.born_at).total_seconds() / 3600)
            lines.append(
                f"{drugs.get(dose['drug'], dose['drug'])} at {hours} h of age: "
                f"{responses.get(dose['response'], dose['response']).lower()}"
            )
        return lines


def _labels(vocabulary, codes) -> list[str]:
    labels = dict(vocabulary.choices)
    return [labels.get(code, code) for code in codes]
