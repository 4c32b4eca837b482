import contextlib
import hashlib
import json
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from kombu.exceptions import OperationalError

from clinics.models import AuditAction, AuditChannel, Clinic, User
from clinics.services import ClientRequest
from clinics.tasks_dispatch import enqueue
from config.faults import fault_checkpoint
from episodes import movement, transcoding
from episodes.intake import (
    ACCEPTED_VIDEO_TYPES,
    CHUNK_BYTES,
    SIGNATURE_BYTES,
    STORAGE_ERRORS,
    LocalUploadFile,
    ReceivedFile,
    VideoRefused,
    append_stream,
    client_filename,
    detect_video_type,
    max_upload_bytes,
    partial_path,
    sha256_of,
    storage_refused,
    too_large,
)
from episodes.models import (
    EPISODE_CHOICE_FIELDS,
    EPISODE_LIST_FIELDS,
    MOVEMENT_RESULT_FIELDS,
    Episode,
    EpisodeVideo,
    IdempotencyKey,
    MovementAnalysis,
    UploadSession,
    VideoState,
)
from episodes.sandbox import SandboxError, SandboxLimitExceeded, run_limited
from patients.models import Infant
from patients.services import (
    CLINICIAN_REQUEST,
    NEW_EPISODE,
    infant_record_audit,
    infant_request_assessment,
)

logger = logging.getLogger(__name__)

EPISODE_ANSWER_FIELDS = (
    "duration_s",
    *EPISODE_CHOICE_FIELDS,
    "episodes_per_day",
    *EPISODE_LIST_FIELDS,
    "temperature_c",
    "notes",
)
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


def _validate_episode(episode: Episode) -> None:
    errors = {}
    for name, vocabulary in EPISODE_LIST_FIELDS.items():
        value = getattr(episode, name)
        if not isinstance(value, list):
            errors[name] = "Must be a list."
            continue
        unknown = [code for code in value if code not in vocabulary.values]
        if unknown:
            errors[name] = (
                f"Unknown value(s) {', '.join(map(str, unknown))}; "
                f"allowed: {', '.join(vocabulary.values)}."
            )
        elif len(set(value)) != len(value):
            errors[name] = "Each value may appear once."
    if episode.started_at and episode.started_at > timezone.now() + CLOCK_SKEW:
        errors["started_at"] = gettext("The episode cannot start in the future.")
    elif episode.started_at and episode.started_at < episode.infant.born_at - CLOCK_SKEW:
        errors["started_at"] = gettext("The episode cannot start before the infant was born.")
    if errors:
        raise ValidationError(errors)
    # Field validation checks every answer against its vocabulary (the fields' choices), which is
    # what the table's CHECK constraints say too; Django would re-check each constraint with its
    # own SELECT inside a savepoint (15 of them, 45 queries), and the FKs and the fresh uuid with
    # three more. The caller hands over loaded rows, and PostgreSQL enforces all of it again on
    # INSERT, so the model-level re-checks are skipped.
    episode.full_clean(
        exclude=["infant", "reported_by"], validate_unique=False, validate_constraints=False
    )


def _episode_logged_effects(episode: Episode) -> None:
    logger.info("episode %s logged for infant %s", episode.uuid, episode.infant.uuid)


@transaction.atomic
def episode_log(
    *,
    infant: Infant,
    reported_by: User,
    started_at: datetime,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.API,
    **answers: Any,
) -> Episode:
    """Record an episode as reported: unknown answers stay blank (never "normal"), and every
    answer must come from the vocabulary of CLINICAL_CRITERIA.md section 1."""
    unexpected = set(answers) - set(EPISODE_ANSWER_FIELDS)
    if unexpected:
        raise TypeError(f"Unknown episode fields: {sorted(unexpected)}")
    answers = {name: value for name, value in answers.items() if value is not None}
    episode = Episode(infant=infant, reported_by=reported_by, started_at=started_at, **answers)
    _validate_episode(episode)
    episode.save()
    infant_record_audit(
        actor=reported_by,
        action=AuditAction.CREATE,
        resource="episode",
        infant=infant,
        channel=channel,
        object_uuid=episode.uuid,
        request=request,
    )
    # Every new episode is scored with the infant's last 14 days (in the same transaction, so a
    # crash between the two cannot lose the request).
    infant_request_assessment(infant=infant, trigger=NEW_EPISODE, requested_by=reported_by)
    transaction.on_commit(lambda: _episode_logged_effects(episode))
    return episode


@transaction.atomic
def episode_clinician_review(
    *,
    episode: Episode,
    reviewed_by: User,
    oscillation: str = "",
    rate_hz_est: float | None = None,
    clinician_notes: str = "",
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.API,
) -> Episode:
    """A clinician's reading of the video; the caregiver's own answers are left as reported. A
    rated oscillation or rate marks the episode clinician-reviewed, so the engine trusts the
    reading over the caregiver's answers, and the infant is re-assessed."""
    episode.oscillation = oscillation or ""
    episode.rate_hz_est = rate_hz_est
    episode.clinician_notes = clinician_notes or ""
    episode.clinician_reviewed = bool(episode.oscillation) or rate_hz_est is not None
    episode.reviewed_by = reviewed_by
    episode.reviewed_at = timezone.now()
    episode.full_clean()
    episode.save(
        update_fields=[
            "oscillation",
            "rate_hz_est",
            "clinician_notes",
            "clinician_reviewed",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    infant_request_assessment(
        infant=episode.infant, trigger=CLINICIAN_REQUEST, requested_by=reviewed_by
    )
    infant_record_audit(
        actor=reviewed_by,
        action=AuditAction.UPDATE,
        resource="episode",
        infant=episode.infant,
        channel=channel,
        object_uuid=episode.uuid,
        request=request,
        detail={"fields": ["oscillation", "rate_hz_est", "clinician_notes"]},
    )
    return episode


class IdempotencyKeyReused(Exception):
    """The same key came with a different request."""


def request_fingerprint(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def idempotent_response(
    *, user: User, key: str, fingerprint: str, run: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any]]:
    """A retried request carrying the same key gets the first response instead of a second
    write. The key row is inserted first, so a concurrent retry waits on the unique index
    until the first commits, then replays it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, key=key, request_fingerprint=fingerprint
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=user, key=key)
            if record.request_fingerprint != fingerprint:
                raise IdempotencyKeyReused(key) from None
            # The first request's answer, stored before this transaction could see the row.
            assert record.response_status is not None
            return record.response_status, record.response_body or {}
        status, body = run()
        record.response_status = status
        record.response_body = body
        record.save(update_fields=["response_status", "response_body"])
        return status, body


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


def _refuse_beyond_limits(path: str, content_type: str) -> None:
    """Read the headers only (in the sandbox, within seconds): a video declaring more than the
    limits is refused before it is stored or decoded. A file the headers do not describe (a
    truncated recording) is kept as evidence; its processing fails with the reason."""
    try:
        run_limited(
            transcoding.inspect,
            path,
            content_type,
            video_limits(),
            passthrough=(transcoding.BeyondLimits, transcoding.NotDecodable),
            **settings.VIDEO_INSPECT_LIMITS,
        )
    except transcoding.BeyondLimits as exc:
        raise VideoRefused(
            422,
            gettext("The video was {problem}. Send a shorter or smaller clip.").format(problem=exc),
        ) from exc
    except SandboxLimitExceeded as exc:
        raise VideoRefused(
            422,
            gettext(
                "The video could not be read ({problem}). Send the clip again, or another one."
            ).format(problem=exc),
        ) from exc
    except (transcoding.NotDecodable, SandboxError):
        return


def video_receive(
    *,
    episode: Episode,
    uploaded_by: User,
    received: ReceivedFile,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.API,
) -> tuple[EpisodeVideo, bool]:
    """Keep a video only if it is non-empty, within the size limit and a video by its bytes.
    The same file twice for one episode is one video: the existing one is returned.

    Returns (video, created). Whatever happens, the received file does not stay behind."""
    try:
        if received.size == 0:
            raise VideoRefused(400, gettext("The file is empty. Record or pick the video again."))
        if received.size > max_upload_bytes():
            raise too_large()
        content_type = detect_video_type(received.read_head())
        existing = EpisodeVideo.objects.filter(episode=episode, sha256=received.sha256).first()
        if existing is not None:
            return existing, False
        _refuse_beyond_limits(received.path, content_type)
        return _video_store(
            episode=episode,
            uploaded_by=uploaded_by,
            received=received,
            content_type=content_type,
            request=request,
            channel=channel,
        )
    finally:
        received.discard()


def _video_store(
    *,
    episode: Episode,
    uploaded_by: User,
    received: ReceivedFile,
    content_type: str,
    request: ClientRequest | None,
    channel: AuditChannel,
) -> tuple[EpisodeVideo, bool]:
    video = EpisodeVideo(
        episode=episode,
        uploaded_by=uploaded_by,
        original_filename=client_filename(received.filename),
        content_type=content_type,
        size_bytes=received.size,
        sha256=received.sha256,
    )
    filename = f"original.{ACCEPTED_VIDEO_TYPES[content_type]}"
    try:
        with open(received.path, "rb") as fh:
            video.original.save(filename, LocalUploadFile(fh), save=False)
    except STORAGE_ERRORS as exc:
        # A full disk keeps the bytes written before it filled up: remove them (an unreachable
        # bucket has nothing to remove, and cannot be asked).
        with contextlib.suppress(*STORAGE_ERRORS):
            video.original.storage.delete(video.original.field.generate_filename(video, filename))
        raise storage_refused(exc) from exc
    try:
        with transaction.atomic():
            video.full_clean()
            video.save()
            infant_record_audit(
                actor=uploaded_by,
                action=AuditAction.CREATE,
                resource="episode_video",
                infant=episode.infant,
                channel=channel,
                object_uuid=video.uuid,
                request=request,
                detail={"sha256": video.sha256, "size_bytes": video.size_bytes},
            )
            # Robust: with the broker down the video is kept and the sweep processes it later.
            transaction.on_commit(lambda: _enqueue_processing(video.uuid), robust=True)
    except IntegrityError:
        # The same file arrived twice at once; the first one to commit is the video.
        video.original.delete(save=False)
        return EpisodeVideo.objects.get(episode=episode, sha256=received.sha256), False
    except BaseException:
        video.original.delete(save=False)
        raise
    return video, True


class UploadOffsetConflict(Exception):
    """The client's Upload-Offset is not where the upload stands (tus: 409)."""

    def __init__(self, current_offset: int):
        super().__init__(current_offset)
        self.current_offset = current_offset


class UploadChecksumMismatch(Exception):
    """The chunk's bytes do not match its Upload-Checksum (tus: 460)."""


CHECKSUM_ALGORITHMS = ("sha1", "sha256")


@transaction.atomic
def upload_session_create(
    *,
    episode: Episode,
    created_by: User,
    length: int,
    filename: str = "",
    request: ClientRequest | None = None,
) -> UploadSession:
    """Open a resumable upload for an episode; its announced length must be within the limit,
    the person may hold only a few unfinished uploads, and the clinic's unfinished uploads may
    announce only so many bytes in all (each holds disk space until it completes)."""
    if length <= 0:
        raise VideoRefused(400, gettext("The file is empty. Record or pick the video again."))
    if length > max_upload_bytes():
        raise too_large()
    clinic = Clinic.objects.select_for_update().get(pk=episode.infant.clinic_id)
    open_uploads = UploadSession.objects.filter(video__isnull=True)
    per_user = settings.VIDEO_OPEN_UPLOADS_PER_USER
    if open_uploads.filter(created_by=created_by).count() >= per_user:
        raise VideoRefused(
            429,
            gettext(
                "You already have {count} unfinished uploads (the limit). Finish or cancel one "
                "of them, then try again."
            ).format(count=per_user),
        )
    per_clinic = settings.VIDEO_OPEN_UPLOAD_BYTES_PER_CLINIC
    reserved = (
        open_uploads.filter(episode__infant__clinic=clinic).aggregate(total=Sum("length"))["total"]
        or 0
    )
    if reserved + length > per_clinic:
        raise VideoRefused(
            429,
            gettext(
                "The clinic's unfinished uploads would exceed {megabytes} MB in all (the "
                "limit). Try again once some have finished."
            ).format(megabytes=per_clinic // 1024**2),
        )
    session = UploadSession(
        episode=episode, created_by=created_by, length=length, filename=client_filename(filename)
    )
    session.full_clean()
    session.save()
    try:
        Path(partial_path(session.uuid)).write_bytes(b"")
    except OSError as exc:
        raise storage_refused(exc) from exc  # and the session row is rolled back
    return session


def upload_session_terminate(*, session: UploadSession) -> None:
    """Drop an upload and the bytes received so far (tus termination)."""
    Path(partial_path(session.uuid)).unlink(missing_ok=True)
    session.delete()


def upload_session_append(
    *,
    session: UploadSession,
    stream: BinaryIO,
    offset: int,
    count: int,
    checksum: tuple[str, bytes] | None = None,
    request: ClientRequest | None = None,
) -> tuple[UploadSession, EpisodeVideo | None]:
    """Append a chunk at `offset`. Bytes received before a dropped connection are kept so the
    client can resume; a chunk failing its checksum is discarded. The file is checked for a
    video signature as soon as its first bytes are in, and becomes a video once complete."""
    refusal = None
    video = None
    with transaction.atomic():
        session = UploadSession.objects.select_for_update().get(pk=session.pk)
        if offset != session.offset:
            raise UploadOffsetConflict(session.offset)
        if offset + count > session.length:
            raise VideoRefused(
                413, gettext("The chunk goes past the length announced for the upload.")
            )
        digest = hashlib.new(checksum[0]) if checksum else None
        try:
            path = partial_path(session.uuid)
            with open(path, "ab") as fh:
                # A crash after writing but before saving the offset leaves extra bytes: drop them.
                fh.truncate(session.offset)
            written = append_stream(
                path, stream, count=count, max_total=session.length, checksum=digest
            )
        except OSError as exc:
            # The offset stays where it was; the next chunk truncates whatever was written.
            raise storage_refused(exc) from exc
        if (
            digest is not None
            and checksum is not None
            and (written != count or digest.digest() != checksum[1])
        ):
            with open(path, "ab") as fh:
                fh.truncate(session.offset)
            if written == count:
                raise UploadChecksumMismatch()
            return session, None
        before = session.offset
        session.offset += written
        session.save(update_fields=["offset", "updated_at"])
        try:
            head_threshold = min(session.length, SIGNATURE_BYTES)
            if before < head_threshold <= session.offset:
                with open(path, "rb") as fh:
                    detect_video_type(fh.read(SIGNATURE_BYTES))
            if session.is_complete:
                video, _ = video_receive(
                    episode=session.episode,
                    uploaded_by=session.created_by,
                    received=ReceivedFile(
                        path=path,
                        size=session.length,
                        sha256=sha256_of(path),
                        filename=session.filename,
                    ),
                    request=request,
                )
                session.video = video
                session.save(update_fields=["video", "updated_at"])
        except VideoRefused as exc:
            refusal = exc
    if refusal is not None:
        upload_session_terminate(session=session)
        raise refusal
    return session, video


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


def upload_partials_purge(*, older_than_hours: int = 48) -> int:
    """Abandoned resumable uploads and their partial files are removed; returns how many."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    stale = list(UploadSession.objects.filter(updated_at__lt=cutoff))
    for session in stale:
        upload_session_terminate(session=session)
    return len(stale)
