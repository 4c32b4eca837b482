"""The dashboard's reads. It sits on top of every other app, so it may read them all; every query
starts from `infants_visible_to`."""

from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from assessments.models import Triage, TriageAlert
from clinics.models import AuditEvent, User
from episodes.models import Episode
from patients.models import Infant
from patients.selectors import infants_visible_to

# An infant is an open concern from a routine visit upwards, or while an alert is unanswered.
CONCERN_FROM_RANK = Triage.rank(Triage.ROUTINE_VISIT)


@dataclass(frozen=True)
class DashboardFilters:
    triage: str = ""
    cause: str = ""
    assigned: str = ""  # "me", "unassigned" or ""
    search: str = ""
    alerts_only: bool = False


def dashboard_infants(user: User, filters: DashboardFilters) -> QuerySet[Infant]:
    """The clinic's infants with open concerns: unanswered alerts first, then by triage, then by
    how long they have waited since their assessment."""
    open_alerts = TriageAlert.objects.unacknowledged().filter(infant=OuterRef("pk"))
    last_episode = (
        Episode.objects.filter(infant=OuterRef("pk")).order_by("-started_at").values("started_at")
    )
    infants = (
        infants_visible_to(user)
        .annotate(
            has_open_alert=Exists(open_alerts),
            oldest_open_alert_at=Subquery(
                open_alerts.order_by("created_at").values("created_at")[:1]
            ),
            last_episode_at=Subquery(last_episode[:1]),
        )
        .filter(Q(current_triage_rank__gte=CONCERN_FROM_RANK) | Q(has_open_alert=True))
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
        infants = infants.filter(has_open_alert=True)
    return infants.order_by(
        F("has_open_alert").desc(),
        F("current_triage_rank").desc(),
        Coalesce("oldest_open_alert_at", "assessed_at").asc(nulls_last=True),
        "id",
    )


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
    return TriageAlert.objects.unacknowledged().filter(infant__in=infants_visible_to(user)).count()


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: object
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
                badge_class=f"triage-{assessment.triage}",
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
    if include_audit:
        for event in AuditEvent.objects.for_infant(infant.uuid).select_related("actor")[:50]:
            entries.append(
                TimelineEntry(
                    kind="audit",
                    at=event.occurred_at,
                    title=f"{event.get_action_display()} {event.resource.replace('_', ' ')}",
                    detail=f"{event.actor or 'system'} ({event.actor_role}), {event.channel}",
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
