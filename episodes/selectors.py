from django.db.models import QuerySet

from clinics.models import User
from clinics.selectors import url_objects
from episodes.models import Episode, EpisodeQuerySet, EpisodeVideo, UploadSession
from patients.selectors import infants_visible_to


def episodes_visible_to(user: User) -> EpisodeQuerySet:
    """Episodes of the infants the person may see (patients.selectors.infants_visible_to)."""
    return Episode.objects.filter(infant__in=infants_visible_to(user))


def videos_visible_to(user: User) -> QuerySet[EpisodeVideo]:
    return EpisodeVideo.objects.filter(episode__infant__in=infants_visible_to(user))


def upload_sessions_of(user: User) -> QuerySet[UploadSession]:
    """A resumable upload belongs to the person who started it, while they may still see the
    infant; anyone else gets a 404."""
    return UploadSession.objects.filter(
        created_by=user, episode__infant__in=infants_visible_to(user)
    )


url_objects(
    episode_uuid=episodes_visible_to, video_uuid=videos_visible_to, upload_uuid=upload_sessions_of
)
