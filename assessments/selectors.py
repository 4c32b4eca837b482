from datetime import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from assessments.cases import EPISODE_WINDOW
from assessments.engine.vocabulary import OPEN_CONCERN_FROM_RANK
from assessments.models import Assessment, AssessmentQuerySet, TriageAlert, TriageAlertQuerySet
from clinics.models import User
from clinics.selectors import url_objects
from episodes.models import Episode
from patients.models import Infant, InfantQuerySet
from patients.selectors import infants_visible_to


def assessments_visible_to(user: User) -> AssessmentQuerySet:
    return Assessment.objects.filter(infant__in=infants_visible_to(user))


def triage_alerts_visible_to(user: User) -> TriageAlertQuerySet:
    return TriageAlert.objects.filter(infant__in=infants_visible_to(user))


def infants_in_care(*, now: datetime | None = None) -> InfantQuerySet:
    """Every clinic's infants with an open concern or an episode in the last 14 days: those a
    change of ruleset must re-assess (a command's scope, not a user's)."""
    now = now or timezone.now()
    recent_episode = Episode.objects.filter(
        infant=OuterRef("pk"), started_at__gte=now - EPISODE_WINDOW, started_at__lte=now
    )
    open_alert = TriageAlert.objects.unacknowledged().filter(infant=OuterRef("pk"))
    return Infant.objects.filter(
        Q(current_triage_rank__gte=OPEN_CONCERN_FROM_RANK)
        | Exists(open_alert)
        | Exists(recent_episode)
    )


def infants_due_for_ruleset(ruleset: str, *, now: datetime | None = None) -> InfantQuerySet:
    """Infants in care whose latest assessment was not made with the ruleset (or who have none):
    what is left of a move to it, so a rerun continues where a stopped one ended."""
    latest_version = (
        Assessment.objects.filter(infant=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("ruleset_version")[:1]
    )
    return (
        infants_in_care(now=now)
        .annotate(latest_ruleset=Subquery(latest_version))
        .filter(Q(latest_ruleset__isnull=True) | ~Q(latest_ruleset=ruleset))
        .order_by("id")
    )


url_objects(assessment_uuid=assessments_visible_to, alert_uuid=triage_alerts_visible_to)
