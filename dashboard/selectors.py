"""The dashboard's reads. It sits on top of every other app, so it may read them all; every query
starts from `infants_visible_to`."""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from assessments.engine import lab_thresholds
from assessments.engine.vocabulary import OPEN_CONCERN_FROM_RANK, TRIAGE_LEVEL
from assessments.models import Assessment, Triage, TriageAlert
from clinics.models import AuditEvent, User
from episodes.models import Episode
from patients.models import Infant
from patients.selectors import infants_visible_to
from workups.models import (
    ORDER_FOR_ENGINE_CODE,
    CriticalAlert,
    OrderedTest,
    Referral,
    TestOrder,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class DashboardFilters:
    triage: str = ""
    cause: str = ""
    assigned: str = ""  # "me", "unassigned" or ""
    search: str = ""
    alerts_only: bool = False
    pending_results: bool = False
    referral: str = ""  # a ReferralStatus value, or "none"


# The dashboard's order: unacknowledged critical results first, then unanswered triage alerts,
# then by triage, then by how long they have waited (the oldest open alert, else the assessment).
# Every key is a column of the infant kept by the alert services, and the index
# `infant_clinic_dashboard` holds them in this order per clinic: the page reads its top.
DASHBOARD_ORDER = (
    F("critical_alert_open").desc(),
    F("triage_alert_open").desc(),
    F("current_triage_rank").desc(),
    Coalesce("triage_alert_open_since", "assessed_at").asc(nulls_last=True),
    "id",
)


def dashboard_infants(user: User, filters: DashboardFilters) -> QuerySet[Infant]:
    """The clinic's infants with open concerns, in `DASHBOARD_ORDER`."""
    last_episode = (
        Episode.objects.filter(infant=OuterRef("pk")).order_by("-started_at").values("started_at")
    )
    latest_referral = Referral.objects.filter(infant=OuterRef("pk")).order_by("-created_at")
    infants = (
        infants_visible_to(user)
        .annotate(
            has_triage_alert=F("triage_alert_open"),
            has_critical_result=F("critical_alert_open"),
            has_pending_orders=Q(open_order_count__gt=0),
            # Shown on the page only, so PostgreSQL reads them for its 50 rows.
            last_episode_at=Subquery(last_episode[:1]),
            pending_orders=F("open_order_count"),
            referral_status=Subquery(latest_referral.values("status")[:1]),
        )
        .filter(
            # An open concern: a standing at an `open_concern` level, or an unanswered alert.
            Q(current_triage_rank__gte=OPEN_CONCERN_FROM_RANK)
            | Q(critical_alert_open=True)
            | Q(triage_alert_open=True)
            | Q(open_order_count__gt=0)
        )
        .select_related("assigned_clinician")
    )
    if filters.triage:
        infants = infants.filter(current_triage=filters.triage)
    if filters.cause:
        infants = infants.filter(current_leading_cause=filters.cause)
    if filters.assigned == "me":
        infants = infants.filter(assigned_clinician=user)
    elif filters.assigned == "unassigned":
        infants = infants.filter(assigned_clinician__isnull=True)
    if filters.search:
        infants = infants.search(filters.search)
    if filters.alerts_only:
        infants = infants.filter(Q(critical_alert_open=True) | Q(triage_alert_open=True))
    if filters.pending_results:
        infants = infants.filter(open_order_count__gt=0)
    if filters.referral == "none":
        infants = infants.filter(referral_status__isnull=True)
    elif filters.referral:
        infants = infants.filter(referral_status=filters.referral)
    return infants.order_by(*DASHBOARD_ORDER)


def dashboard_triage_counts(user: User) -> dict[str, int]:
    """How many of the clinic's assessed infants stand at each triage level."""
    rows = (
        infants_visible_to(user)
        .exclude(current_triage="")
        .values("current_triage")
        .annotate(n=Count("id"))
    )
    counts = {value: 0 for value in Triage.values}
    counts.update({row["current_triage"]: row["n"] for row in rows})
    return counts


def unacknowledged_alert_count(user: User) -> int:
    """Open triage and critical alerts of the infants the user sees: only infants whose row says
    they have one are looked at (kept with the alerts, see `Infant.triage_alert_open`)."""
    visible = infants_visible_to(user)
    return (
        TriageAlert.objects.unacknowledged()
        .filter(infant__in=visible.filter(triage_alert_open=True).values("pk"))
        .count()
        + CriticalAlert.objects.unacknowledged()
        .filter(infant__in=visible.filter(critical_alert_open=True).values("pk"))
        .count()
    )


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: datetime
    title: str
    detail: str = ""
    url: str = ""
    badge: str = ""
    badge_class: str = ""


def case_timeline(infant: Infant, *, include_audit: bool) -> list[TimelineEntry]:
    """Everything that happened to one infant, newest first, as one list."""
    entries: list[TimelineEntry] = []
    for episode in Episode.objects.for_infant(infant).prefetch_related("videos"):
        videos = len(episode.videos.all())
        entries.append(
            TimelineEntry(
                kind="episode",
                at=episode.started_at,
                title=f"Episode: {episode.get_movement_type_display() or 'movement not described'}",
                detail=", ".join(
                    part
                    for part in (
                        episode.get_state_display(),
                        f"{episode.duration_s} s" if episode.duration_s else "",
                        f"{videos} video{'s' if videos != 1 else ''}" if videos else "",
                    )
                    if part
                ),
                url=reverse("episodes:detail", args=[episode.uuid]),
            )
        )
    for assessment in infant.assessments.all():
        entries.append(
            TimelineEntry(
                kind="assessment",
                at=assessment.created_at,
                title=f"Assessment: {assessment.get_leading_cause_display() or 'cause unclear'}",
                detail="Rules " + (", ".join(assessment.triage_rules) or "none"),
                url=reverse("assessments:detail", args=[infant.uuid, assessment.uuid]),
                badge=assessment.get_triage_display(),
                badge_class=TRIAGE_LEVEL[assessment.triage].css_class,
            )
        )
    for alert in infant.triage_alerts.select_related("acknowledged_by"):
        entries.append(
            TimelineEntry(
                kind="alert",
                at=alert.created_at,
                title=f"{alert.get_triage_display()} alert",
                detail=(
                    f"Acknowledged by {alert.acknowledged_by.get_full_name()}"
                    if alert.acknowledged_by
                    else "Not yet acknowledged"
                ),
                badge="Open" if alert.acknowledged_at is None else "Answered",
                badge_class="text-bg-dark" if alert.acknowledged_at is None else "text-bg-light",
            )
        )
    for entry in infant.milestone_entries.all():
        entries.append(
            TimelineEntry(
                kind="milestone",
                at=datetime.combine(entry.observed_on, time(12), tzinfo=UTC),
                title=f"Milestone: {entry.get_milestone_display()}",
                detail=entry.get_status_display(),
            )
        )
    entries.extend(_workup_entries(infant))
    if include_audit:
        for event in AuditEvent.objects.for_infant(infant.uuid).select_related("actor")[:50]:
            entries.append(
                TimelineEntry(
                    kind="audit",
                    at=event.occurred_at,
                    title=f"{event.get_action_display()} {event.resource.replace('_', ' ')}",
                    detail=f"{event.actor_display} ({event.actor_role}), {event.channel}",
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _workup_entries(infant: Infant) -> list[TimelineEntry]:
    entries = []
    for order in infant.test_orders.select_related("ordered_by"):
        entries.append(
            TimelineEntry(
                kind="order",
                at=order.created_at,
                title=f"Ordered: {order.get_test_display()} ({order.get_priority_display()})",
                detail=f"{order.get_status_display()}, due {order.due_by:%d %b %H:%M}",
                url=reverse("workups:order-detail", kwargs={"order_uuid": order.uuid}),
            )
        )
    for result in infant.results.select_related("order"):
        entries.append(
            TimelineEntry(
                kind="result",
                at=result.collected_at,
                title=f"Result: {result.order.get_test_display()} {result.display_value}",
                detail=result.report_text[:200],
                url=reverse("workups:order-detail", kwargs={"order_uuid": result.order.uuid}),
                badge=result.get_flag_display() if result.flag else "",
                badge_class="text-bg-danger" if result.is_critical else "text-bg-secondary",
            )
        )
    for alert in infant.critical_alerts.select_related("acknowledged_by"):
        entries.append(
            TimelineEntry(
                kind="critical",
                at=alert.created_at,
                title="Critical result alert",
                detail=(
                    f"Acknowledged by {alert.acknowledged_by.get_full_name()}"
                    if alert.acknowledged_by
                    else f"Not acknowledged; {alert.get_level_display().lower()} told"
                ),
                badge="Open" if alert.acknowledged_at is None else "Answered",
                badge_class="text-bg-dark" if alert.acknowledged_at is None else "text-bg-light",
            )
        )
    for referral in infant.referrals.prefetch_related("appointments__slot"):
        entries.append(
            TimelineEntry(
                kind="referral",
                at=referral.created_at,
                title=f"Referral to neurology ({referral.get_urgency_display()})",
                detail=referral.instruction
                or f"{referral.get_status_display()}, deadline {referral.deadline:%d %b %H:%M}",
            )
        )
        for appointment in referral.appointments.all():
            entries.append(
                TimelineEntry(
                    kind="appointment",
                    at=appointment.slot.starts_at,
                    title=f"Neurology appointment: {appointment.slot}",
                    detail=appointment.get_status_display(),
                )
            )
    for task in infant.follow_ups.select_related("assignee"):
        entries.append(
            TimelineEntry(
                kind="follow-up",
                at=task.due_at,
                title=f"Follow-up: {task.get_kind_display()}",
                detail=f"{task.get_status_display()}"
                + (f" - {task.outcome_note}" if task.outcome_note else ""),
            )
        )
    return entries


LAB_CHARTS = (
    ("Glucose", ("glucose",)),
    ("Calcium", ("total_calcium", "ionized_calcium")),
)


def lab_readings(infant: Infant, tests: tuple[str, ...]) -> tuple[list[dict[str, Any]], str]:
    """An infant's numeric results for these engine test codes, in the engine's normalised unit,
    each with the thresholds that applied at its collection."""
    readings, unit = [], ""
    results = (
        infant.results.filter(normalised_value__isnull=False)
        .select_related("order")
        .order_by("collected_at")
    )
    for result in results:
        code = result.interpretation.get("test")
        if code not in tests:
            continue
        limits = lab_thresholds(
            code,
            age_hours=result.age_hours_at_collection,
            gestational_weeks=infant.gestation_weeks_decimal,
            birth_weight_g=infant.birth_weight_g,
        )
        unit = result.normalised_unit
        readings.append(
            {
                "at": result.collected_at,
                "age_hours": result.age_hours_at_collection,
                "value": result.normalised_value,
                "flag": result.flag or "normal",
                "thresholds": [
                    (t["flag"], t["values"].get(unit, t["value"]))
                    for t in limits["thresholds"]
                    if t["flag"] in ("low", "critical") and t["comparison"] in ("<", "<=")
                ],
            }
        )
    return readings, unit


@dataclass(frozen=True)
class RecommendedTest:
    code: str  # the engine's code, which the one-click order posts
    label: "StrOrPromise"  # the clinical name
    on_order: str = ""  # the open order's status, if one exists


def recommended_tests(infant: Infant, assessment: Assessment) -> list[RecommendedTest]:
    """The latest assessment's recommended tests by clinical name, each saying whether it is
    already on order."""
    if assessment is None:
        return []
    open_orders = {order.test: order for order in TestOrder.objects.open().filter(infant=infant)}
    rows = []
    for code in dict.fromkeys(assessment.recommended_tests):
        test = ORDER_FOR_ENGINE_CODE.get(code)
        if test is None:
            continue
        order = open_orders.get(test)
        rows.append(
            RecommendedTest(
                code=code,
                label=OrderedTest(test).label,
                on_order=order.get_status_display().lower() if order else "",
            )
        )
    return rows
