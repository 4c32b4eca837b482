"""The nurse's follow-up tasks: their kinds, call scripts, outcomes and attempts."""

from dataclasses import dataclass
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from clinics.models import BaseModel
from patients.models import Infant
from workups.models.orders import Priority


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
