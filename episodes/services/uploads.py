"""Videos arriving: a whole file received, or a resumable (tus) upload appended chunk by chunk;
refused when its headers declare more than the limits, stored, then handed to processing."""

import contextlib
import hashlib
import logging
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from clinics.models import AuditAction, AuditChannel, Clinic, User
from clinics.services import ClientRequest
from episodes import transcoding
from episodes.intake import (
    ACCEPTED_VIDEO_TYPES,
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
    Episode,
    EpisodeVideo,
    UploadSession,
)
from episodes.sandbox import SandboxError, SandboxLimitExceeded, run_limited
from episodes.services.processing import _enqueue_processing, video_limits
from patients.services import (
    infant_record_audit,
)

logger = logging.getLogger(__name__)


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


def upload_partials_purge(*, older_than_hours: int = 48) -> int:
    """Abandoned resumable uploads and their partial files are removed; returns how many."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    stale = list(UploadSession.objects.filter(updated_at__lt=cutoff))
    for session in stale:
        upload_session_terminate(session=session)
    return len(stale)
