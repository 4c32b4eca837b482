"""Test orders: the orderable tests and how each speaks to the engine, priorities, and the
statuses an order moves through."""

from dataclasses import dataclass
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from clinics.models import BaseModel
from patients.models import Infant
from workups.models.events import StatusEvent


class OrderedTest(models.TextChoices):
    EEG = "eeg", _("EEG")
    VIDEO_EEG = "video_eeg", _("Video-EEG")
    MRI_BRAIN = "mri_brain", _("MRI brain")
    GLUCOSE_POINT_OF_CARE = "glucose_point_of_care", _("Glucose (point-of-care meter)")
    GLUCOSE_PLASMA = "glucose_plasma", _("Plasma glucose (laboratory)")
    TOTAL_CALCIUM = "total_calcium", _("Total calcium")
    IONIZED_CALCIUM = "ionized_calcium", _("Ionized calcium")
    MAGNESIUM = "magnesium", _("Magnesium")
    PHOSPHATE = "phosphate", _("Phosphate")
    PTH = "pth", _("Parathyroid hormone (PTH)")
    VITAMIN_D_25OH = "vitamin_d_25oh", _("25-OH vitamin D")
    ALKALINE_PHOSPHATASE = "alkaline_phosphatase", _("Alkaline phosphatase")
    CRITICAL_SAMPLE = "critical_sample", _("Critical sample (insulin, ketones during low glucose)")
    SODIUM = "sodium", _("Sodium (electrolytes)")
    BILIRUBIN_TOTAL = "bilirubin_total", _("Total serum bilirubin")
    INFECTION_WORKUP = (
        "infection_workup",
        _("Infection work-up (blood culture, urine, spinal fluid)"),
    )
    CRANIAL_ULTRASOUND = "cranial_ultrasound", _("Cranial ultrasound")


@dataclass(frozen=True)
class TestSpec:
    """How an orderable test speaks to the engine: `engine_code` names its result in the case,
    `recommended_as` the engine's recommendation it answers (when the two differ), `units` what
    the clinic may record it in."""

    engine_code: str
    method: str | None = None
    loinc: str = ""
    is_study: bool = False
    recommended_as: str = ""
    units: tuple[str, ...] = ()

    @property
    def recommendation_code(self) -> str:
        return self.recommended_as or self.engine_code


# LOINC codes from the LOINC table (loinc.org; Regenstrief), by fully specified name:
#   41653-7 Glucose [Mass/volume] in Capillary blood by Glucometer
#   2345-7  Glucose [Mass/volume] in Serum or Plasma
#   17861-6 Calcium [Mass/volume] in Serum or Plasma
#   1994-3  Calcium.ionized [Moles/volume] in Blood
#   19123-9 Magnesium [Mass/volume] in Serum or Plasma
#   2777-1  Phosphate [Mass/volume] in Serum or Plasma
#   2731-8  Parathyrin.intact [Mass/volume] in Serum or Plasma
#   62292-8 25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma
#   6768-6  Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma
#   2951-2  Sodium [Moles/volume] in Serum or Plasma
#   1975-2  Bilirubin.total [Mass/volume] in Serum or Plasma
# The critical sample is a panel drawn during hypoglycaemia (insulin, beta-hydroxybutyrate,
# cortisol...) with no single LOINC term, and so is the infection work-up (blood culture, urine,
# cerebrospinal fluid); EEG, MRI and cranial ultrasound are studies, not laboratory observations.
# The engine recommends "electrolytes" and "bilirubin"; what comes back and is scored is the
# sodium and the total bilirubin.
MG_DL_OR_MMOL_L = ("mg/dL", "mmol/L")
TEST_CATALOGUE: dict[str, TestSpec] = {
    OrderedTest.EEG: TestSpec("eeg", is_study=True),
    OrderedTest.VIDEO_EEG: TestSpec("video_eeg", is_study=True),
    OrderedTest.MRI_BRAIN: TestSpec("mri_brain", is_study=True),
    OrderedTest.GLUCOSE_POINT_OF_CARE: TestSpec(
        "glucose", "point_of_care", "41653-7", units=MG_DL_OR_MMOL_L
    ),
    OrderedTest.GLUCOSE_PLASMA: TestSpec("glucose", "laboratory", "2345-7", units=MG_DL_OR_MMOL_L),
    OrderedTest.TOTAL_CALCIUM: TestSpec("total_calcium", loinc="17861-6", units=MG_DL_OR_MMOL_L),
    OrderedTest.IONIZED_CALCIUM: TestSpec("ionized_calcium", loinc="1994-3", units=MG_DL_OR_MMOL_L),
    OrderedTest.MAGNESIUM: TestSpec("magnesium", loinc="19123-9", units=MG_DL_OR_MMOL_L),
    OrderedTest.PHOSPHATE: TestSpec("phosphate", loinc="2777-1", units=MG_DL_OR_MMOL_L),
    OrderedTest.PTH: TestSpec("pth", loinc="2731-8", units=("pg/mL",)),
    OrderedTest.VITAMIN_D_25OH: TestSpec(
        "vitamin_d_25oh", loinc="62292-8", units=("ng/mL", "nmol/L")
    ),
    OrderedTest.ALKALINE_PHOSPHATASE: TestSpec(
        "alkaline_phosphatase", loinc="6768-6", units=("U/L",)
    ),
    OrderedTest.CRITICAL_SAMPLE: TestSpec("critical_sample"),
    OrderedTest.SODIUM: TestSpec(
        "sodium", loinc="2951-2", recommended_as="electrolytes", units=("mmol/L",)
    ),
    OrderedTest.BILIRUBIN_TOTAL: TestSpec(
        "bilirubin_total", loinc="1975-2", recommended_as="bilirubin", units=("mg/dL", "umol/L")
    ),
    OrderedTest.INFECTION_WORKUP: TestSpec("infection_workup", is_study=True),
    OrderedTest.CRANIAL_ULTRASOUND: TestSpec("cranial_ultrasound", is_study=True),
}

# The engine recommends by its own code; a recommended "glucose" is ordered as laboratory glucose.
ORDER_FOR_ENGINE_CODE: dict[str, str] = {
    spec.recommendation_code: test
    for test, spec in reversed(TEST_CATALOGUE.items())
    if test != OrderedTest.GLUCOSE_POINT_OF_CARE
}
# Studies whose structured reading is only normal or abnormal for the engine.
NORMAL_OR_ABNORMAL_STUDIES = ("mri_brain", "cranial_ultrasound", "infection_workup")


class Priority(models.TextChoices):
    STAT = "stat", "Stat"
    URGENT = "urgent", "Urgent"
    ROUTINE = "routine", "Routine"


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", "Ordered"
    SCHEDULED = "scheduled", "Scheduled"
    COLLECTED = "collected", "Sample collected"
    PERFORMED = "performed", "Study performed"
    RESULTED = "resulted", "Resulted"
    REVIEWED = "reviewed", "Reviewed"
    CANCELLED = "cancelled", "Cancelled"


# The only moves an order may make; `workups.services.order_transition` enforces this table.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.ORDERED: frozenset(
        {OrderStatus.SCHEDULED, OrderStatus.COLLECTED, OrderStatus.PERFORMED, OrderStatus.CANCELLED}
    ),
    OrderStatus.SCHEDULED: frozenset(
        {OrderStatus.COLLECTED, OrderStatus.PERFORMED, OrderStatus.CANCELLED}
    ),
    OrderStatus.COLLECTED: frozenset({OrderStatus.RESULTED, OrderStatus.CANCELLED}),
    OrderStatus.PERFORMED: frozenset({OrderStatus.RESULTED, OrderStatus.CANCELLED}),
    OrderStatus.RESULTED: frozenset({OrderStatus.REVIEWED}),
    OrderStatus.REVIEWED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
OPEN_ORDER_STATUSES = (
    OrderStatus.ORDERED,
    OrderStatus.SCHEDULED,
    OrderStatus.COLLECTED,
    OrderStatus.PERFORMED,
)


class TestOrderQuerySet(models.QuerySet["TestOrder"]):
    def open(self) -> Self:
        return self.filter(status__in=OPEN_ORDER_STATUSES)

    def overdue(self, now) -> Self:
        return self.open().filter(due_by__lt=now)

    def for_list(self) -> Self:
        return self.select_related("infant", "ordered_by", "assessment", "result").order_by(
            "due_by", "id"
        )


class TestOrder(BaseModel):
    __test__ = False  # not a pytest test class, whatever its name

    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="test_orders")
    test = models.CharField(max_length=32, choices=OrderedTest.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    status = models.CharField(
        max_length=12, choices=OrderStatus.choices, default=OrderStatus.ORDERED
    )
    due_by = models.DateTimeField()
    assessment = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="test_orders",
        help_text="The assessment that recommended this test.",
    )
    reason_text = models.CharField(max_length=300, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="test_orders"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)

    objects = TestOrderQuerySet.as_manager()

    class Meta:
        ordering = ["due_by", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OrderStatus.values), name="testorder_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(test__in=OrderedTest.values), name="testorder_test_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancel_reason=""),
                name="testorder_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(assessment__isnull=False) | ~models.Q(reason_text=""),
                name="testorder_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_by"], name="testorder_open_due")]

    def __str__(self) -> str:
        return f"{self.get_test_display()} for {self.infant} ({self.get_status_display()})"

    @property
    def spec(self) -> TestSpec:
        return TEST_CATALOGUE[self.test]

    @property
    def loinc(self) -> str:
        return self.spec.loinc

    @property
    def engine_code(self) -> str:
        return self.spec.engine_code

    @property
    def is_study(self) -> bool:
        return self.spec.is_study

    @property
    def reason(self) -> str:
        if self.assessment is not None:
            return f"Recommended by the assessment of {self.assessment.created_at:%Y-%m-%d %H:%M}"
        return self.reason_text

    @property
    def allowed_transitions(self) -> list[str]:
        return sorted(ORDER_TRANSITIONS[self.status] - {OrderStatus.RESULTED})

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_ORDER_STATUSES and self.due_by < timezone.now()


class OrderEvent(StatusEvent):
    """One status change of an order, written by `order_transition`."""

    order = models.ForeignKey(TestOrder, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=OrderStatus.choices)
