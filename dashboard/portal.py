"""What a family sees of their child's care in the portal: the current advice, what happens
next and what the clinic did, in plain words. Every portal sentence built in Python is in
PORTAL_TEXT (one place to translate: gettext_lazy with named placeholders, formatted in the
reader's language when the page is built); every time is in the clinic's zone, in one format
whose day and month names follow the language."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.advice import (
    CaregiverAdvice,
    advice_for_level,
    advice_from_result,
    level_for_family,
)
from assessments.models import Assessment, AssessmentReview, ReviewDecision
from clinics.models import Clinic
from patients.models import Infant
from workups.models import (
    Appointment,
    FollowUpKind,
    FollowUpTask,
    OrderStatus,
    Referral,
    ReferralStatus,
    TestOrder,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# One date format for the whole portal (Django `date` syntax), in each language's own word order
# (templates: the `portal_datetime` filter).
PORTAL_DATETIME = pgettext_lazy("date format", "D j M Y, H:i")

PORTAL_TEXT = {
    "reviewed_agreed": _("{clinician} reviewed {infant}'s assessment on {at} and agreed with it."),
    "reviewed_changed": (
        _("{clinician} reviewed {infant}'s assessment on {at} and changed it to: {level}.")
    ),
    "test_line": _("{test}: {status}"),
    "referral_emergency": _("{clinician} sent {infant} to the emergency department on {at}."),
    "referral_waiting": (
        _(
            "{infant} is referred to a neurologist ({urgency}). We are finding an appointment "
            "before {deadline}."
        )
    ),
    "referral_booked": _("Neurology appointment booked: {when}, with {neurologist}, {location}."),
    "referral_no_slot": (
        _(
            "We have not found a neurology appointment in time yet; a nurse will call you to "
            "arrange one."
        )
    ),
    "next_call_now": (
        _(
            "A nurse from {clinic} will phone you in the next few minutes (by {by}). Do not wait "
            "for the call: go to the emergency department now."
        )
    ),
    "next_call": _("A nurse from {clinic} will phone you by {by}: {what}."),
    "next_booking": (
        _(
            "We will book the neurology appointment before {deadline} and show it here; you will "
            "also get a text message."
        )
    ),
    "next_appointment": _("{infant}'s neurology appointment is on {when} at {location}."),
    "next_default": (
        _(
            "A clinician at {clinic} will look at what you sent. If the shaking comes back, "
            "record a video and log it here."
        )
    ),
    "next_pending": _("We are looking at the episode you just logged; the advice may change."),
    "next_emergency": (
        _(
            "Do not wait for a call from us. At the emergency department, show the staff your log "
            "and any videos; {clinic} can see what you sent."
        )
    ),
}

# Order statuses in the family's words.
ORDER_STATUS_FOR_FAMILY = {
    OrderStatus.ORDERED: _("ordered, not taken yet"),
    OrderStatus.SCHEDULED: _("booked, not taken yet"),
    OrderStatus.COLLECTED: _("sample taken, waiting for the result"),
    OrderStatus.PERFORMED: _("done, waiting for the report"),
    OrderStatus.RESULTED: _("result back; the doctor is looking at it"),
    OrderStatus.REVIEWED: _("result back and checked by the doctor"),
}

# What each kind of call is about, for "what happens next".
CALL_PURPOSE = {
    FollowUpKind.CALL_CAREGIVER: _("to hear how {infant} is"),
    FollowUpKind.CHASE_RESULT: _("about {infant}'s test"),
    FollowUpKind.CONFIRM_APPOINTMENT: _("to confirm the neurology appointment"),
    FollowUpKind.REQUEST_VIDEO: _("to ask for a video of the next episode"),
}

ACTIVE_REFERRAL = (
    ReferralStatus.EMERGENCY_DEPARTMENT,
    ReferralStatus.AWAITING_BOOKING,
    ReferralStatus.BOOKED,
    ReferralStatus.ESCALATED,
)


@dataclass
class FamilySummary:
    infant: Infant
    clinic: Clinic
    advice: CaregiverAdvice | None
    review_line: str = ""
    family_note: str = ""
    tests: list[str] = field(default_factory=list)
    referral_line: "StrOrPromise" = ""
    next_steps: list["StrOrPromise"] = field(default_factory=list)

    @property
    def level(self) -> str:
        return self.advice.level if self.advice else ""

    @property
    def is_emergency(self) -> bool:
        return bool(self.advice and self.advice.is_emergency)

    @property
    def clinic_did(self) -> bool:
        return bool(self.review_line or self.tests or self.referral_line)


def _when(moment, clinic: Clinic) -> str:
    return dateformat.format(
        timezone.localtime(moment, ZoneInfo(clinic.time_zone)), str(PORTAL_DATETIME)
    )


def _name(user) -> str:
    return user.get_full_name() or str(_("Your doctor"))


def family_summaries(infants: list[Infant], *, since=None) -> list[FamilySummary]:
    """The portal's picture of each child, in a fixed number of queries whatever the number of
    children; `since` is the time of an episode that may not be assessed yet."""
    ids = [infant.pk for infant in infants]
    latest_ids = (
        Assessment.objects.filter(infant=OuterRef("infant"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    assessments = {
        a.infant_id: a
        for a in Assessment.objects.filter(
            infant_id__in=ids, pk=Subquery(latest_ids)
        ).prefetch_related(
            Prefetch("reviews", queryset=AssessmentReview.objects.select_related("reviewer"))
        )
    }
    orders: dict[int, list[TestOrder]] = {}
    for order in (
        TestOrder.objects.filter(infant_id__in=ids)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("created_at", "id")
    ):
        orders.setdefault(order.infant_id, []).append(order)
    referrals: dict[int, Referral] = {}
    for referral in (
        Referral.objects.filter(infant_id__in=ids, status__in=ACTIVE_REFERRAL)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.booked().select_related("slot"),
                to_attr="booked",
            )
        )
        .order_by("-created_at", "-id")
    ):
        referrals.setdefault(referral.infant_id, referral)
    calls: dict[int, list[FollowUpTask]] = {}
    for task in FollowUpTask.objects.open().filter(infant_id__in=ids).worklist():
        calls.setdefault(task.infant_id, []).append(task)
    return [
        _summary(
            infant,
            latest=assessments.get(infant.pk),
            orders=orders.get(infant.pk, []),
            referral=referrals.get(infant.pk),
            calls=calls.get(infant.pk, []),
            since=since,
        )
        for infant in infants
    ]


def _summary(infant, *, latest, orders, referral, calls, since) -> FamilySummary:
    clinic = infant.clinic
    names = {"infant": infant.given_name, "clinic": clinic.name}
    reviews = list(latest.reviews.all()) if latest else []
    review = reviews[0] if reviews else None
    advice = None
    if review and review.decision == ReviewDecision.OVERRIDE and review.triage:
        advice = advice_for_level(review.triage)
    if advice is None and latest is not None:
        advice = advice_from_result(latest.result)
    summary = FamilySummary(infant=infant, clinic=clinic, advice=advice)

    if review is not None:
        key = "reviewed_agreed" if review.decision == ReviewDecision.AGREE else "reviewed_changed"
        summary.review_line = PORTAL_TEXT[key].format(
            clinician=_name(review.reviewer),
            at=_when(review.created_at, clinic),
            level=level_for_family(review.triage or infant.current_triage),
            **names,
        )
        summary.family_note = review.family_note

    summary.tests = [
        PORTAL_TEXT["test_line"].format(
            test=order.get_test_display(), status=ORDER_STATUS_FOR_FAMILY[order.status]
        )
        for order in orders
    ]

    appointment = referral.booked[0] if referral is not None and referral.booked else None
    if referral is not None:
        if referral.status == ReferralStatus.EMERGENCY_DEPARTMENT:
            summary.referral_line = PORTAL_TEXT["referral_emergency"].format(
                clinician=_name(referral.created_by), at=_when(referral.created_at, clinic), **names
            )
        elif appointment is not None:
            summary.referral_line = PORTAL_TEXT["referral_booked"].format(
                when=_when(appointment.slot.starts_at, clinic),
                neurologist=appointment.slot.neurologist_name,
                location=appointment.slot.location,
            )
        elif referral.status == ReferralStatus.ESCALATED:
            summary.referral_line = PORTAL_TEXT["referral_no_slot"]
        else:
            summary.referral_line = PORTAL_TEXT["referral_waiting"].format(
                urgency=referral.get_urgency_display().lower(),
                deadline=_when(referral.deadline, clinic),
                **names,
            )

    if since is not None and (infant.assessed_at is None or infant.assessed_at < since):
        summary.next_steps.append(PORTAL_TEXT["next_pending"])
    for task in calls:
        if task.kind == FollowUpKind.CALL_FAMILY_NOW:
            summary.next_steps.append(
                PORTAL_TEXT["next_call_now"].format(
                    by=_when(task.escalate_at or task.due_at, clinic), **names
                )
            )
        elif task.kind in CALL_PURPOSE:
            summary.next_steps.append(
                PORTAL_TEXT["next_call"].format(
                    by=_when(task.due_at, clinic),
                    what=CALL_PURPOSE[task.kind].format(**names),
                    **names,
                )
            )
    if appointment is not None:
        summary.next_steps.append(
            PORTAL_TEXT["next_appointment"].format(
                when=_when(appointment.slot.starts_at, clinic),
                location=appointment.slot.location,
                **names,
            )
        )
    elif referral is not None and referral.status == ReferralStatus.AWAITING_BOOKING:
        summary.next_steps.append(
            PORTAL_TEXT["next_booking"].format(deadline=_when(referral.deadline, clinic))
        )
    if not summary.next_steps:
        what_next = advice.what_next.text if advice and advice.what_next else ""
        fallback = "next_emergency" if summary.is_emergency else "next_default"
        summary.next_steps.append(what_next or PORTAL_TEXT[fallback].format(**names))
    return summary
