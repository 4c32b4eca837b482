"""The episodes app's API, by resource: episodes, videos (whole uploads and media), resumable
uploads (tus) and the serializers they share. URLs and the schema name the views from here."""

from episodes.apis.episodes import (
    EpisodeDetailApi,
    EpisodeFilter,
    EpisodeListApi,
    EpisodeReviewApi,
    UtcIsoDateTimeField,
    UtcIsoDateTimeFilter,
)
from episodes.apis.serializers import (
    EpisodeOutputSerializer,
    MovementBurstSerializer,
    MovementOutputSerializer,
    MovementReviewSuggestionSerializer,
    MovementSignalSerializer,
    MovementSpectrumSerializer,
    VideoOutputSerializer,
)
from episodes.apis.tus import (
    TUS_EXTENSIONS,
    TUS_VERSION,
    TusMixin,
    TusVersionMismatch,
    UploadApi,
    UploadCreateApi,
)
from episodes.apis.videos import (
    MULTIPART_OVERHEAD_BYTES,
    VideoMediaApi,
    VideoUploadApi,
)

__all__ = [
    "MULTIPART_OVERHEAD_BYTES",
    "TUS_EXTENSIONS",
    "TUS_VERSION",
    "EpisodeDetailApi",
    "EpisodeFilter",
    "EpisodeListApi",
    "EpisodeOutputSerializer",
    "EpisodeReviewApi",
    "MovementBurstSerializer",
    "MovementOutputSerializer",
    "MovementReviewSuggestionSerializer",
    "MovementSignalSerializer",
    "MovementSpectrumSerializer",
    "TusMixin",
    "TusVersionMismatch",
    "UploadApi",
    "UploadCreateApi",
    "UtcIsoDateTimeField",
    "UtcIsoDateTimeFilter",
    "VideoMediaApi",
    "VideoOutputSerializer",
    "VideoUploadApi",
]
