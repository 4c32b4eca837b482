"""Streaming stored media with HTTP range support, so a browser's video player can seek.

The same authorised views serve media from a local folder and from an S3-compatible bucket (no
bucket URL, signed or not, is ever handed out: every byte passes the access check and the audit).
From a bucket, only the requested range is fetched, so seeking in a long video does not pull the
whole object through the web process."""

import re
from typing import Literal

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

CHUNK_BYTES = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _requested_range(header: str, size: int) -> tuple[int, int] | Literal[False] | None:
    """(start, end) inclusive; None when there is no usable single range (serve it all);
    False when the range cannot be satisfied."""
    match = _RANGE.match(header.strip())
    if not match or not (match[1] or match[2]):
        return None
    if match[1]:
        start = int(match[1])
        end = min(int(match[2]), size - 1) if match[2] else size - 1
    else:
        suffix = int(match[2])
        if suffix == 0:
            return False
        start, end = max(0, size - suffix), size - 1
    if start >= size or start > end:
        return False
    return start, end


def _chunks(fh, remaining: int):
    try:
        while remaining > 0:
            chunk = fh.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        fh.close()


def _open_range(storage, name: str, start: int, end: int):
    """A file-like object positioned at `start` that yields the bytes up to `end`."""
    if hasattr(storage, "bucket"):  # django-storages' S3Storage
        from storages.utils import clean_name

        key = storage._normalize_name(clean_name(name))
        return storage.bucket.Object(key).get(Range=f"bytes={start}-{end}")["Body"]
    fh = storage.open(name, "rb")
    fh.seek(start)
    return fh


def stored_file_response(
    request, fieldfile, content_type: str, download_name: str | None = None
) -> HttpResponseBase:
    """200 with the whole file, 206 with the requested byte range, or 416 if the range is
    outside the file. Never cached by shared caches."""
    storage = fieldfile.storage
    size = storage.size(fieldfile.name)
    wanted = _requested_range(request.headers.get("Range", ""), size)
    if wanted is False:
        refusal = HttpResponse(status=416)
        refusal["Content-Range"] = f"bytes */{size}"
        refusal["Accept-Ranges"] = "bytes"
        return refusal
    start, end = wanted or (0, size - 1)
    length = max(0, end - start + 1)
    fh = _open_range(storage, fieldfile.name, start, end) if length else None
    response = StreamingHttpResponse(
        _chunks(fh, length) if fh else iter(()),
        status=206 if wanted else 200,
        content_type=content_type,
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    if download_name:
        response["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response
