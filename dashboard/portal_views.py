"""The parent portal's pages that show the whole of a child's care (advice, what happens next,
what the clinic did); they read every app, so they live in the top app."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse

from clinics.models import AuditAction
from clinics.permissions import SIGNED_IN, requires_roles
from dashboard.portal import family_summaries
from episodes.models import Episode
from episodes.views import PORTAL_RECENT_EPISODES, episode_view_audit, episode_visible_or_404
from patients.selectors import infants_visible_to
from patients.services import infant_read_record


@requires_roles(*SIGNED_IN)
def portal_home(request):
    """A parent's children, each with the current advice at the top, then their episodes."""
    infants = list(
        infants_visible_to(request.user)
        .select_related("clinic")
        .prefetch_related(
            Prefetch(
                "episodes",
                queryset=Episode.objects.recent().prefetch_related("videos"),
                to_attr="episode_list",
            )
        )
    )
    children = [
        {"summary": summary, "infant": summary.infant,
         "episodes": summary.infant.episode_list[:PORTAL_RECENT_EPISODES]}
        for summary in family_summaries(infants)
    ]  # fmt: skip
    infant_read_record(
        reader=request.user, infants=infants, action=AuditAction.LIST, resource="portal_home",
        request=request,
    )  # fmt: skip
    return render(
        request,
        "episodes/portal_home.html",
        {"children": children, "emergencies": [c["summary"] for c in children
                                               if c["summary"].is_emergency]},
    )  # fmt: skip


@requires_roles(*SIGNED_IN)
def portal_episode(request, episode_uuid):
    episode = episode_visible_or_404(request, episode_uuid)
    episode_view_audit(request, episode)
    [summary] = family_summaries([episode.infant], since=episode.created_at)
    return render(
        request,
        "episodes/portal_episode.html",
        {
            "episode": episode,
            "summary": summary,
            "emergencies": [summary] if summary.is_emergency else [],
            "upload_endpoint": reverse("api:upload-list"),
        },
    )
