from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from clinics.models import AuditAction, AuditChannel, Role
from clinics.permissions import CLINICIANS, SIGNED_IN, STAFF, requires_roles
from clinics.selectors import has_role
from clinics.throttles import CaregiverWriteThrottle, page_throttle_refusal
from episodes.forms import EpisodeLogForm, EpisodeReviewForm
from episodes.models import Episode
from episodes.selectors import episodes_visible_to
from episodes.services import episode_clinician_review, episode_log
from patients.selectors import infants_visible_to
from patients.services import infant_record_audit

PORTAL_RECENT_EPISODES = 5


def _audit_episode_view(request, episode: Episode) -> None:
    infant_record_audit(
        actor=request.user,
        action=AuditAction.VIEW,
        resource="episode",
        infant=episode.infant,
        channel=AuditChannel.WEB,
        object_uuid=episode.uuid,
        request=request,
    )


def _episode_for(request, episode_uuid) -> Episode:
    return get_object_or_404(
        episodes_visible_to(request.user)
        .select_related("infant__clinic", "reported_by", "reviewed_by")
        .prefetch_related("videos"),
        uuid=episode_uuid,
    )


@requires_roles(*SIGNED_IN)
def portal_home(request):
    """A parent's children, each with their latest episodes."""
    infants = infants_visible_to(request.user).prefetch_related(
        Prefetch(
            "episodes",
            queryset=Episode.objects.recent().prefetch_related("videos"),
            to_attr="episode_list",
        )
    )
    children = [
        {"infant": infant, "episodes": infant.episode_list[:PORTAL_RECENT_EPISODES]}
        for infant in infants
    ]
    return render(request, "episodes/portal_home.html", {"children": children})


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
                messages.success(request, "Thank you. The episode is saved.")
                return redirect("portal:episode", episode_uuid=episode.uuid)
        return render(
            request, "episodes/portal_episode_form.html", {"form": form, "infant": infant}
        )


@requires_roles(*SIGNED_IN)
def portal_episode(request, episode_uuid):
    episode = _episode_for(request, episode_uuid)
    _audit_episode_view(request, episode)
    return render(
        request,
        "episodes/portal_episode.html",
        {"episode": episode, "upload_endpoint": reverse("api:upload-list")},
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
    episode = _episode_for(request, episode_uuid)
    can_review = has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN)
    initial = {
        "oscillation": episode.oscillation,
        "rate_hz_est": episode.rate_hz_est,
        "clinician_notes": episode.clinician_notes,
    }
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
        _audit_episode_view(request, episode)
    return render(
        request,
        "episodes/staff_episode_detail.html",
        {"episode": episode, "form": form, "can_review": can_review},
    )
