"""Receiving video bytes: streamed to a local file in chunks, size-limited while streaming,
checksummed on the way, and identified from the bytes (never from the client's name or type)."""

import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import filetype
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files import File
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest
from django.utils.translation import gettext as _

# Below glibc's mmap threshold (128 KiB): each chunk reuses freed heap memory. 1 MiB chunks were
# each mmapped, which moved glibc's threshold up and left 5-7.5 MB of 1 MiB buffers in a web
# worker's heap after a 1 GiB upload (docs/scaling.md).
CHUNK_BYTES = 64 * 1024
# filetype looks at most at the first 8 KiB.
SIGNATURE_BYTES = 8192
ACCEPTED_VIDEO_TYPES = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/3gpp": "3gp",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
}


# What a media storage raises when it cannot keep or read a file: the local disk, or the bucket.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class VideoRefused(Exception):
    """An upload the clinic will not keep; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def client_filename(name: str) -> str:
    """The name the phone gave the file, for display only (storage names are always generated):
    no folders of either separator, no control characters (PostgreSQL refuses NUL), at most
    255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable()).strip()[:255]


def storage_refused(exc: Exception) -> VideoRefused:
    """A storage failure while keeping an upload: a full disk (507) or a folder, volume or
    bucket that cannot be written (503). The caller has removed whatever it had written."""
    if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return VideoRefused(507, _("The clinic's video storage is full. Try again later."))
    return VideoRefused(503, _("The clinic's video storage is unavailable. Try again later."))


def max_upload_bytes() -> int:
    return settings.VIDEO_MAX_UPLOAD_BYTES


def too_large() -> VideoRefused:
    limit = max_upload_bytes()
    return VideoRefused(
        413,
        _("The video is larger than the limit of {limit}; send a shorter clip.").format(
            limit=_human_size(limit)
        ),
    )


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:g} {unit}" if unit == "bytes" else f"{value:.3g} {unit}"
        value /= 1024
    return str(value)


# MP4, MOV and 3GP are ISO base media files: a sequence of boxes, the first one (after its 4-byte
# size) naming its type. filetype's 3GP rule looks for "ftyp3gp" at offset 0, where no real file
# has it: a text file starting so passed, and FFmpeg read it as an SDP session.
ISO_BOX_TYPES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"}


def _iso_box_header_ok(head: bytes) -> bool:
    if len(head) < 8:
        return False
    size = int.from_bytes(head[:4], "big")
    # 0: the box runs to the end of the file; 1: a 64-bit size follows the type.
    return (size in (0, 1) or size >= 8) and head[4:8] in ISO_BOX_TYPES


def detect_video_type(head: bytes) -> str:
    """The MIME type the bytes show, if it is a video type we accept; else VideoRefused(415)."""
    kind = filetype.guess(head)
    if kind is not None and ACCEPTED_VIDEO_TYPES.get(kind.mime) in ("mp4", "mov", "3gp"):
        if not _iso_box_header_ok(head):
            kind = None
    elif kind is None and head[4:11] == b"ftyp3gp" and _iso_box_header_ok(head):
        return "video/3gpp"
    if kind is None or kind.mime not in ACCEPTED_VIDEO_TYPES:
        detected = kind.mime if kind else "not a recognised file format (for example, text)"
        raise VideoRefused(
            415,
            _(
                "This file is not a video we can accept (detected: {detected}). "
                "Send an MP4, MOV, 3GP, WebM or MKV video."
            ).format(detected=detected),
        )
    return kind.mime


@dataclass
class ReceivedFile:
    """A complete upload on local disk, with what was measured while it streamed in."""

    path: str
    size: int
    sha256: str
    filename: str = ""

    def read_head(self) -> bytes:
        with open(self.path, "rb") as fh:
            return fh.read(SIGNATURE_BYTES)

    def discard(self) -> None:
        Path(self.path).unlink(missing_ok=True)


class LocalUploadFile(File):
    """A local file the storage may move into place instead of copying
    (FileSystemStorage uses `temporary_file_path`)."""

    def temporary_file_path(self) -> str:
        assert self.file is not None
        return str(self.file.name)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def partial_path(upload_uuid) -> str:
    directory = Path(settings.VIDEO_UPLOAD_PARTIAL_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return str(directory / f"{upload_uuid}.part")


def append_stream(path: str, stream, *, count: int, max_total: int, checksum=None) -> int:
    """Append up to `count` bytes read from `stream` to the file at `path`, chunk by chunk.

    Returns how many bytes were written. Stops early (keeping what arrived) when the client's
    connection drops. `checksum`, a hashlib object, is fed every byte written.
    """
    written = 0
    with open(path, "ab") as out:
        if out.tell() + count > max_total:
            raise too_large()
        while written < count:
            try:
                chunk = stream.read(min(CHUNK_BYTES, count - written))
            except OSError:
                break
            if not chunk:
                break
            out.write(chunk)
            if checksum is not None:
                checksum.update(chunk)
            written += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return written


class VideoUploadHandler(TemporaryFileUploadHandler):
    """Multipart uploads go to a temporary file; the handler hashes the bytes as they arrive
    and stops reading once the size limit is passed."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.refused: VideoRefused | None = None
        self.received: int = 0
        self._digest = hashlib.sha256()

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self._digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.refused = too_large()
            # Closing the temporary file deletes it: nothing of the refused upload stays.
            self.file.close()
            raise StopUpload(connection_reset=False)
        self._digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self._digest.hexdigest()
        return uploaded
