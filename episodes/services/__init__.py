"""Episode and video services, by lifecycle: records (episodes logged and reviewed), uploads
(videos received, resumable uploads) and processing (rendition, poster, movement analysis,
sweeps). Callers import from here."""

from episodes.services.processing import (
    movement_measure,
    video_analyse,
    video_limits,
    video_process,
    videos_needing_analysis,
    videos_needing_processing,
)
from episodes.services.records import (
    CLOCK_SKEW,
    EPISODE_ANSWER_FIELDS,
    IdempotencyKeyReused,
    episode_clinician_review,
    episode_log,
    idempotent_response,
    request_fingerprint,
)
from episodes.services.uploads import (
    CHECKSUM_ALGORITHMS,
    UploadChecksumMismatch,
    UploadOffsetConflict,
    upload_partials_purge,
    upload_session_append,
    upload_session_create,
    upload_session_terminate,
    video_receive,
)

__all__ = [
    "CHECKSUM_ALGORITHMS",
    "CLOCK_SKEW",
    "EPISODE_ANSWER_FIELDS",
    "IdempotencyKeyReused",
    "UploadChecksumMismatch",
    "UploadOffsetConflict",
    "episode_clinician_review",
    "episode_log",
    "idempotent_response",
    "movement_measure",
    "request_fingerprint",
    "upload_partials_purge",
    "upload_session_append",
    "upload_session_create",
    "upload_session_terminate",
    "video_analyse",
    "video_limits",
    "video_process",
    "video_receive",
    "videos_needing_analysis",
    "videos_needing_processing",
]
