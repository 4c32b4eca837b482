"""Videos after upload, in the worker: claimed on a lease, transcoded to a playable rendition
and a poster in the sandbox, then the movement measured; the sweeps re-enqueue lost work."""

import logging
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from clinics.tasks_dispatch import enqueue
from config.faults import fault_checkpoint
from episodes import movement, transcoding
from episodes.intake import (
    CHUNK_BYTES,
    SIGNATURE_BYTES,
    STORAGE_ERRORS,
    VideoRefused,
    detect_video_type,
    max_upload_bytes,
)
from episodes.models import (
    MOVEMENT_RESULT_FIELDS,
    EpisodeVideo,
    MovementAnalysis,
    VideoState,
)
from episodes.sandbox import SandboxError, run_limited

logger = logging.getLogger(__name__)


def _enqueue_processing(video_uuid: UUID | str) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.VIDEO_PROCESS_IN_BACKGROUND_WITHOUT_BROKER:
        threading.Thread(
            target=_process_in_background, args=(video_uuid,), name="video-process", daemon=True
        ).start()
        return
    enqueue("episodes.video_process", video_uuid=str(video_uuid))


def _process_in_background(video_uuid: UUID | str) -> None:
    try:
        video_process(video_uuid=video_uuid)
    except Exception:
        # No broker, so no retry: the video stays "uploaded" and the sweep picks it up.
        logger.exception("processing video %s failed", video_uuid)
    finally:
        connection.close()


def video_limits() -> transcoding.Limits:
    return transcoding.Limits(
        long_edge=settings.VIDEO_MAX_LONG_EDGE,
        short_edge=settings.VIDEO_MAX_SHORT_EDGE,
        seconds=settings.VIDEO_MAX_SECONDS,
        frames=settings.VIDEO_MAX_FRAMES,
    )


def _video_claim(video_uuid: UUID | str) -> EpisodeVideo | None:
    """Take the processing lease: a video already done, or leased to a live worker, is left."""
    now = timezone.now()
    lease = timedelta(seconds=settings.VIDEO_PROCESSING_LEASE_SECONDS)
    with transaction.atomic():
        video = (
            EpisodeVideo.objects.select_for_update()
            .select_related("episode__infant")
            .filter(uuid=video_uuid)
            .first()
        )
        if video is None or video.state in (VideoState.READY, VideoState.FAILED):
            return None
        started = video.processing_started_at
        if video.state == VideoState.PROCESSING and started is not None and started > now - lease:
            return None
        if video.processing_attempts >= settings.VIDEO_PROCESSING_MAX_ATTEMPTS:
            video.state = VideoState.FAILED
            video.failure_reason = f"gave up after {video.processing_attempts} attempts"
            video.save(update_fields=["state", "failure_reason", "updated_at"])
            return None
        video.state = VideoState.PROCESSING
        video.processing_started_at = now
        video.processing_attempts += 1
        video.save(
            update_fields=["state", "processing_started_at", "processing_attempts", "updated_at"]
        )
        return video


@contextmanager
def _local_original(video: EpisodeVideo) -> Iterator[str]:
    """A local path of the original: the decoder opens paths only (the `file` protocol)."""
    try:
        yield video.original.path
        return
    except NotImplementedError:  # a remote storage (S3)
        pass
    with tempfile.NamedTemporaryFile(suffix=".video") as copy, video.original.open("rb") as src:
        shutil.copyfileobj(src, copy, CHUNK_BYTES)
        copy.flush()
        yield copy.name


def _derive(video: EpisodeVideo) -> dict[str, Any]:
    """Probe the original, cut a poster and, if a browser cannot play it, a rendition; all of
    it in the sandbox, so a hostile file costs at most the processing limits."""
    with _local_original(video) as path, tempfile.TemporaryDirectory() as work:
        poster_path, rendition_path = f"{work}/poster.jpg", f"{work}/playable.mp4"
        try:
            found = run_limited(
                transcoding.derive,
                path,
                video.content_type,
                poster_path,
                rendition_path,
                video_limits(),
                passthrough=(transcoding.BeyondLimits, transcoding.NotDecodable),
                **settings.VIDEO_PROCESS_LIMITS,
            )
        except SandboxError as exc:
            raise transcoding.NotDecodable(f"not processed: {exc}") from exc
        fields = {
            name: found[name]
            for name in ("duration_s", "width", "height", "rotation", "video_codec", "audio_codec")
        }
        with open(poster_path, "rb") as poster:
            video.poster.save("poster.jpg", File(poster), save=False)
        fields["poster"] = video.poster.name
        if found["rendition"]:
            with open(rendition_path, "rb") as rendition:
                video.rendition.save("playable.mp4", File(rendition), save=False)
            fields["rendition"] = video.rendition.name
    return fields


def video_process(*, video_uuid: UUID | str) -> EpisodeVideo | None:
    """Derive the poster and playable rendition; the original is never altered. An unreadable
    file fails with a reason and is kept for inspection. Storage errors (OSError) release the
    lease and propagate so the task retries."""
    video = _video_claim(video_uuid)
    if video is None:
        return None
    claimed_at = video.processing_started_at
    fault_checkpoint("video_process", video.uuid)
    try:
        fields = _derive(video)
        fields.update(state=VideoState.READY, failure_reason="")
    except transcoding.NotDecodable as exc:
        fields = {"state": VideoState.FAILED, "failure_reason": str(exc)[:300]}
    except STORAGE_ERRORS:
        EpisodeVideo.objects.filter(pk=video.pk, processing_started_at=claimed_at).update(
            state=VideoState.UPLOADED, processing_started_at=None
        )
        raise
    updated = EpisodeVideo.objects.filter(
        pk=video.pk, state=VideoState.PROCESSING, processing_started_at=claimed_at
    ).update(updated_at=timezone.now(), **fields)
    if not updated:
        # The lease expired and another worker took the video over; its results stand.
        for name in ("poster", "rendition"):
            if name in fields:
                getattr(video, name).delete(save=False)
        return None
    video.refresh_from_db()
    if video.state == VideoState.READY:
        _enqueue_analysis(video.uuid)
    return video


def _enqueue_analysis(video_uuid: UUID | str) -> None:
    try:
        enqueue("episodes.video_analyse", video_uuid=str(video_uuid))
    except OperationalError:  # the broker is down: the sweep analyses the video later
        logger.warning("could not queue the movement analysis of video %s", video_uuid)


def _analysis_claim(video_uuid: UUID | str) -> EpisodeVideo | None:
    """Take the analysis lease of a ready video that has no analysis of the current algorithm
    version; a lease held by a live worker is left alone. The lease leaves `updated_at` (the
    time the video became ready, from which the sweep's grace counts) as it is."""
    now = timezone.now()
    lease = timedelta(seconds=settings.VIDEO_PROCESSING_LEASE_SECONDS)
    with transaction.atomic():
        video = (
            EpisodeVideo.objects.select_for_update()
            .filter(uuid=video_uuid, state=VideoState.READY)
            .exclude(movement_analyses__algorithm_version=movement.ALGORITHM_VERSION)
            .first()
        )
        if video is None:
            return None
        if video.analysis_started_at and video.analysis_started_at > now - lease:
            return None
        video.analysis_started_at = now
        video.analysis_attempts += 1
        video.save(update_fields=["analysis_started_at", "analysis_attempts"])
        return video


def movement_measure(path: str, content_type: str | None = None) -> dict[str, Any]:
    """The movement analysis of the file at `path` (episodes/movement) with its summary in
    words, run in the sandbox within the video processing limits (as the transcoding is) and
    refusing what the intake refuses: a file larger than the upload limit, not of an accepted
    video type (detected from its bytes when `content_type` is not given), or declaring or
    decoding to more than the video limits. A file that goes past a sandbox limit gives an
    `unusable` result saying so. Raises movement.Unreadable for a refused or unreadable file."""
    if Path(path).stat().st_size > max_upload_bytes():
        raise movement.Unreadable("refused: the file is larger than the upload limit")
    if content_type is None:
        with open(path, "rb") as fh:
            try:
                content_type = detect_video_type(fh.read(SIGNATURE_BYTES))
            except VideoRefused as exc:
                raise movement.Unreadable(
                    "refused: not a video type the clinic accepts (MP4, MOV, 3GP, WebM, MKV)"
                ) from exc
    result: dict[str, Any]
    try:
        result = run_limited(
            movement.analyse_file,
            path,
            content_type,
            video_limits(),
            passthrough=(movement.Unreadable,),
            **settings.VIDEO_PROCESS_LIMITS,
        )
    except SandboxError as exc:
        result = movement.unusable(f"not analysed: {exc}")
    result["summary"] = movement.describe(result)
    return result


def video_analyse(*, video_uuid: UUID | str) -> MovementAnalysis | None:
    """Measure the movement in a ready video's original and keep the result, once per algorithm
    version. It is a measurement for the clinician: no triage, review or episode field changes.
    Storage errors (OSError) release the lease and propagate so the task retries."""
    video = _analysis_claim(video_uuid)
    if video is None:
        return None
    claimed_at = video.analysis_started_at
    if video.analysis_attempts > settings.VIDEO_PROCESSING_MAX_ATTEMPTS:
        result = movement.unusable(f"gave up after {video.analysis_attempts - 1} attempts")
    else:
        try:
            with _local_original(video) as path:
                try:
                    result = movement_measure(path, video.content_type)
                except movement.Unreadable as exc:
                    result = movement.unusable(str(exc))
        except OSError:
            EpisodeVideo.objects.filter(pk=video.pk, analysis_started_at=claimed_at).update(
                analysis_started_at=None
            )
            raise
    analysis = MovementAnalysis(
        video=video,
        input_sha256=video.sha256,
        **{name: result[name] for name in MOVEMENT_RESULT_FIELDS},
    )
    analysis.pattern = analysis.pattern or ""
    with transaction.atomic():
        current = EpisodeVideo.objects.select_for_update().get(pk=video.pk)
        if current.analysis_started_at != claimed_at:
            return None  # the lease expired and another worker took the video over
        analysis.full_clean(exclude=["video"], validate_constraints=False)
        try:
            with transaction.atomic():
                analysis.save()
        except IntegrityError:
            return None  # another worker stored this version first
        current.analysis_started_at = None
        current.analysis_attempts = 0
        current.save(update_fields=["analysis_started_at", "analysis_attempts"])
    logger.info(
        "movement analysis %s of video %s: %s %s",
        analysis.algorithm_version,
        video.uuid,
        analysis.quality,
        analysis.pattern or "-",
    )
    return analysis


def videos_needing_analysis(*, now: datetime | None = None) -> list[Any]:
    """Ready videos without an analysis of the current algorithm version whose message was
    lost or whose worker died holding the lease (a new version makes every video due)."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.VIDEO_PROCESSING_LEASE_SECONDS)
    grace = timedelta(seconds=settings.VIDEO_SWEEP_GRACE_SECONDS)
    return list(
        EpisodeVideo.objects.filter(state=VideoState.READY)
        .exclude(movement_analyses__algorithm_version=movement.ALGORITHM_VERSION)
        .filter(
            Q(analysis_started_at__isnull=True, updated_at__lt=now - grace)
            | Q(analysis_started_at__lt=now - lease)
        )
        .values_list("uuid", flat=True)
    )


def videos_needing_processing(*, now: datetime | None = None) -> list[Any]:
    """Videos whose processing message was lost, or whose worker died holding the lease."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.VIDEO_PROCESSING_LEASE_SECONDS)
    grace = timedelta(seconds=settings.VIDEO_SWEEP_GRACE_SECONDS)
    return list(
        EpisodeVideo.objects.filter(
            Q(state=VideoState.UPLOADED, created_at__lt=now - grace)
            | Q(state=VideoState.PROCESSING, processing_started_at__lt=now - lease)
        ).values_list("uuid", flat=True)
    )
