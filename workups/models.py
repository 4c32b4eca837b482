"""Work-ups: test orders and their results, the critical-value loop, neurology referrals booked
into slots, and the nurse's follow-up tasks."""

from dataclasses import dataclass
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.engine.vocabulary import TRIAGE_TABLE
from assessments.models import Assessment, Triage
from clinics.models import BaseModel, Clinic
from patients.models import Infant


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


class StatusEvent(BaseModel):
    """One status change written by a transition function: who moved it, when, from what to what
    (no `from_status` for the first). Subclasses add the subject and the two status fields."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)
    # Declared by each subclass (a CharField with its subject's status choices).
    from_status: str
    to_status: str

    class Meta:
        abstract = True
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class OrderEvent(StatusEvent):
    """One status change of an order, written by `order_transition`."""

    order = models.ForeignKey(TestOrder, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=OrderStatus.choices)


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


class FollowUpKind(models.TextChoices):
    CALL_FAMILY_NOW = "call_family_now", "Call the family now"
    CALL_CAREGIVER = "call_caregiver", "Call the caregiver"
    CHASE_RESULT = "chase_result", "Chase a result"
    CONFIRM_APPOINTMENT = "confirm_appointment", "Confirm an appointment"
    REQUEST_VIDEO = "request_video", "Ask for a video"
    REVIEW_UPLOAD = "review_upload", "Review an upload"


@dataclass(frozen=True)
class CallScript:
    """What the nurse says on the phone and what to ask, by kind of task."""

    say: str
    ask: tuple[str, ...] = ()


# {clinic} and {infant} are filled in on the worklist.
CALL_SCRIPTS: dict[str, CallScript] = {
    FollowUpKind.CALL_FAMILY_NOW: CallScript(
        say=(
            "Hello, this is the nurse from {clinic} about {infant}. The doctor wants {infant} "
            "seen in the emergency department now. If you have not left yet, call the emergency "
            "number or go now; do not wait for the shaking to stop."
        ),
        ask=(
            "Where are you now: at home, on the way, or already at the emergency department?",
            "Is {infant} breathing normally, and awake or rousable?",
            "Has there been another episode since you logged it?",
            "Do you have a way to get there now, or should we call the ambulance for you?",
        ),
    ),
    FollowUpKind.CALL_CAREGIVER: CallScript(
        say="Hello, this is the nurse from {clinic} about {infant}.",
        ask=(
            "How has {infant} been since the last episode?",
            "Any shaking while awake that does not stop when you hold the leg?",
            "Eyes rolling or fixed, pauses in breathing, or a colour change? If so, call the "
            "emergency number now.",
        ),
    ),
    FollowUpKind.CHASE_RESULT: CallScript(
        say=(
            "Hello, this is the nurse from {clinic}. We are still waiting for {infant}'s test; "
            "we will call you with the result."
        ),
        ask=("Has the sample been taken, and where?", "Is a new appointment needed to take it?"),
    ),
    FollowUpKind.CONFIRM_APPOINTMENT: CallScript(
        say=(
            "Hello, this is the nurse from {clinic}. {infant} has a neurology appointment "
            "booked. Please bring any videos of the episodes."
        ),
        ask=("Can you confirm you will attend?", "Do you need directions or a different time?"),
    ),
    FollowUpKind.REQUEST_VIDEO: CallScript(
        say=(
            "Hello, this is the nurse from {clinic}. A short video of {infant}'s next episode "
            "would help the doctor a lot: hold the phone steady, film the whole body, and try "
            "holding the leg gently to see whether the shaking stops. Upload it in the portal."
        ),
        ask=("Have there been episodes since the last log?", "Can you use the portal upload?"),
    ),
    FollowUpKind.REVIEW_UPLOAD: CallScript(
        say="Review the video {infant}'s family sent and call them if anything is unclear.",
        ask=("Was anything in the video unclear?",),
    ),
}

# Worklist order: the most pressing priority first (Priority values, most urgent first).
PRIORITY_RANK = {Priority.STAT: 0, Priority.URGENT: 1, Priority.ROUTINE: 2}


class FollowUpOutcome(models.TextChoices):
    REACHED = "reached", "Reached"
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    WRONG_NUMBER = "wrong_number", "Wrong number"


# Only speaking to the family closes a call; the other outcomes are attempts and it stays open.
CLOSING_OUTCOMES = (FollowUpOutcome.REACHED,)


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class FollowUpQuerySet(models.QuerySet["FollowUpTask"]):
    def open(self) -> Self:
        return self.filter(status=FollowUpStatus.OPEN)

    def worklist(self) -> Self:
        """Open work first, stat before urgent before routine, the most overdue at the top."""
        return (
            self.select_related("infant", "assignee", "created_by")
            .annotate(
                is_closed=models.Case(
                    models.When(status=FollowUpStatus.OPEN, then=models.Value(0)),
                    default=models.Value(1),
                ),
                priority_rank=models.Case(
                    *(
                        models.When(priority=value, then=models.Value(rank))
                        for value, rank in PRIORITY_RANK.items()
                    ),
                    default=models.Value(len(PRIORITY_RANK)),
                ),
            )
            .order_by("is_closed", "priority_rank", "due_at", "id")
        )

    def escalation_due(self, now) -> Self:
        return self.open().filter(escalate_at__lte=now, escalated_at__isnull=True)


class FollowUpTask(BaseModel):
    """An item on the nurses' worklist."""

    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(max_length=24, choices=FollowUpKind.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    description = models.CharField(max_length=300)
    due_at = models.DateTimeField()
    # Left undone until then, the task is put in front of the pediatrician (once).
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    outcome_note = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which sweep made it when no person did ("sweep:overdue_orders").
    created_by_sweep = models.CharField(max_length=40, blank=True)
    # What the task is about ("order:<uuid>:overdue"): a rerun of a sweep finds it and stops.
    source_key = models.CharField(max_length=120, unique=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(outcome_note=""),
                name="followup_done_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="followup_open_due"),
            models.Index(fields=["status", "escalate_at"], name="followup_open_escalate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.infant}"

    @property
    def is_stat(self) -> bool:
        return self.priority == Priority.STAT

    @property
    def call_script(self) -> CallScript:
        script = CALL_SCRIPTS.get(self.kind, CallScript(say=""))
        names = {"clinic": self.infant.clinic.name, "infant": self.infant.given_name}
        return CallScript(
            say=script.say.format(**names), ask=tuple(q.format(**names) for q in script.ask)
        )

    @property
    def is_overdue(self) -> bool:
        return self.status == FollowUpStatus.OPEN and self.due_at < timezone.now()

    @property
    def created_by_display(self) -> str:
        return str(self.created_by) if self.created_by_id else "Automatic sweep"


class FollowUpAttempt(BaseModel):
    """One call made for a follow-up: how it went, by whom, when."""

    task = models.ForeignKey(FollowUpTask, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(max_length=16, choices=FollowUpOutcome.choices)
    note = models.CharField(max_length=500, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=FollowUpOutcome.values),
                name="followupattempt_outcome_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.task})"
