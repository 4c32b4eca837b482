from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from clinics.models import AuditAction, AuditChannel, Role
from clinics.permissions import CLINICIANS, SIGNED_IN, STAFF, requires_roles
from clinics.selectors import has_role
from clinics.throttles import CaregiverWriteThrottle, page_throttle_refusal
from episodes.forms import EpisodeLogForm, EpisodeReviewForm
from episodes.models import Episode
from episodes.movement_charts import panel
from episodes.selectors import episodes_visible_to
from episodes.services import episode_clinician_review, episode_log
from patients.selectors import infants_visible_to
from patients.services import infant_read_record, infant_record_audit

PORTAL_RECENT_EPISODES = 5


def episode_view_audit(request, episode: Episode) -> None:
    infant_record_audit(
        actor=request.user,
        action=AuditAction.VIEW,
        resource="episode",
        infant=episode.infant,
        channel=AuditChannel.WEB,
        object_uuid=episode.uuid,
        request=request,
    )


def episode_visible_or_404(request, episode_uuid) -> Episode:
    return get_object_or_404(
        episodes_visible_to(request.user)
        .select_related("infant__clinic", "reported_by", "reviewed_by")
        .prefetch_related("videos__movement_analyses"),
        uuid=episode_uuid,
    )


@requires_roles(*SIGNED_IN)
def portal_episode_log(request, infant_uuid):
    if request.method == "POST" and (
        refusal := page_throttle_refusal(request, CaregiverWriteThrottle())
    ):
        return refusal
    infant = get_object_or_404(
        infants_visible_to(request.user).select_related("clinic"), uuid=infant_uuid
    )
    # The times a parent types are read in the clinic's time zone.
    with timezone.override(ZoneInfo(infant.clinic.time_zone)):
        form = EpisodeLogForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                episode = episode_log(
                    infant=infant,
                    reported_by=request.user,
                    request=request,
                    channel=AuditChannel.WEB,
                    **form.cleaned_data,
                )
            except DjangoValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, gettext("Thank you. The episode is saved."))
                return redirect("portal:episode", episode_uuid=episode.uuid)
        infant_read_record(
            reader=request.user,
            infants=[infant],
            action=AuditAction.VIEW,
            resource="episode_form",
            request=request,
        )
        return render(
            request, "episodes/portal_episode_form.html", {"form": form, "infant": infant}
        )


@requires_roles(*STAFF)
def staff_episode_list(request, infant_uuid):
    infant = get_object_or_404(
        infants_visible_to(request.user).select_related("clinic"), uuid=infant_uuid
    )
    episodes = (
        Episode.objects.for_infant(infant)
        .recent()
        .select_related("reported_by")
        .prefetch_related("videos")
    )
    infant_record_audit(
        actor=request.user,
        action=AuditAction.LIST,
        resource="episode",
        infant=infant,
        channel=AuditChannel.WEB,
        request=request,
    )
    return render(
        request, "episodes/staff_episode_list.html", {"infant": infant, "episodes": episodes}
    )


@requires_roles(*STAFF, write=CLINICIANS)
def staff_episode_detail(request, episode_uuid):
    episode = episode_visible_or_404(request, episode_uuid)
    can_review = has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN)
    initial = {
        "oscillation": episode.oscillation,
        "rate_hz_est": episode.rate_hz_est,
        "clinician_notes": episode.clinician_notes,
    }
    review_url = reverse("episodes:detail", kwargs={"episode_uuid": episode.uuid})
    videos = [
        (video, panel(video, review_url=review_url if can_review else None))
        for video in episode.videos.all()
    ]
    suggested = _movement_suggestion(request, videos) if can_review else None
    if suggested:
        initial.update(suggested)
    form = EpisodeReviewForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            episode_clinician_review(
                episode=episode,
                reviewed_by=request.user,
                request=request,
                channel=AuditChannel.WEB,
                **form.cleaned_data,
            )
            messages.success(request, "Review saved.")
            return redirect("episodes:detail", episode_uuid=episode.uuid)
    else:
        episode_view_audit(request, episode)
    return render(
        request,
        "episodes/staff_episode_detail.html",
        {
            "episode": episode,
            "infant": episode.infant,
            "form": form,
            "can_review": can_review,
            "videos": videos,
            "movement_suggested": bool(suggested),
        },
    )


def _movement_suggestion(request, videos) -> dict | None:
    """ "Use in review": the review form starts from what the movement analysis measured, for the
    clinician to confirm or change before saving. Nothing is saved by following the link."""
    wanted = request.GET.get("use_movement")
    for _, movement in videos:
        analysis = movement.analysis
        if wanted and analysis is not None and str(analysis.uuid) == wanted:
            return analysis.review_suggestion
    return None
