"""Episode, video and resumable-upload endpoints, included under /api/v1/ (namespace `api`)."""

from django.urls import path

from episodes import apis

urlpatterns = [
    path("episodes/", apis.EpisodeListApi.as_view(), name="episode-list"),
    path("episodes/<uuid:episode_uuid>/", apis.EpisodeDetailApi.as_view(), name="episode-detail"),
    path(
        "episodes/<uuid:episode_uuid>/review/",
        apis.EpisodeReviewApi.as_view(),
        name="episode-review",
    ),
    path(
        "episodes/<uuid:episode_uuid>/videos/",
        apis.VideoUploadApi.as_view(),
        name="episode-video-upload",
    ),
    path(
        "videos/<uuid:video_uuid>/media/",
        apis.VideoMediaApi.as_view(kind="playable"),
        name="video-playable",
    ),
    path(
        "videos/<uuid:video_uuid>/original/",
        apis.VideoMediaApi.as_view(kind="original"),
        name="video-original",
    ),
    path(
        "videos/<uuid:video_uuid>/poster/",
        apis.VideoMediaApi.as_view(kind="poster"),
        name="video-poster",
    ),
    path("uploads/", apis.UploadCreateApi.as_view(), name="upload-list"),
    path("uploads/<uuid:upload_uuid>", apis.UploadApi.as_view(), name="upload-detail"),
]
