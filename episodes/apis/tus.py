"""Resumable uploads (the tus 1.0.0 protocol: creation, termination, checksum); its errors are
plain text, as tus clients expect."""

import base64
import binascii
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from clinics.api_errors import api_validation_error
from clinics.permissions import SIGNED_IN, DeclaredRoles
from clinics.throttles import UploadThrottle
from episodes.intake import (
    VideoRefused,
    max_upload_bytes,
)
from episodes.selectors import episodes_visible_to, upload_sessions_of
from episodes.services import (
    CHECKSUM_ALGORITHMS,
    UploadChecksumMismatch,
    UploadOffsetConflict,
    upload_session_append,
    upload_session_create,
    upload_session_terminate,
)

# Multipart framing around the file; a body bigger than the limit plus this is refused unread.


TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,checksum"


def _tus_response(status_code: int, message: str = "", **headers) -> HttpResponse:
    response = HttpResponse(message, status=status_code, content_type="text/plain")
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    return response


def _tus_metadata(header: str) -> dict[str, str]:
    metadata = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            metadata[key] = base64.b64decode(value, validate=True).decode() if value else ""
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError(f"Upload-Metadata value for {key!r} is not base64.") from exc
    return metadata


def _int_header(request, name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if value.isdigit() else None


class TusVersionMismatch(Exception):
    pass


class TusMixin(APIView):
    """tus protocol headers on every response; OPTIONS (discovery) needs no sign-in."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    throttle_classes = [UploadThrottle]
    # Answered in text/plain by _tus_response (declared in the schema by config.schema).
    text_error_statuses = (400, 403, 404, 409, 412, 413, 415, 429, 460, 503, 507)

    def get_permissions(self):
        if self.request.method == "OPTIONS":
            return [AllowAny()]
        return super().get_permissions()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise TusVersionMismatch()

    def handle_exception(self, exc):
        if isinstance(exc, TusVersionMismatch):
            return _tus_response(412, "Unsupported tus version.", Tus_Version=TUS_VERSION)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    def options(self, request, *args, **kwargs):
        return _tus_response(
            204,
            Tus_Version=TUS_VERSION,
            Tus_Extension=TUS_EXTENSIONS,
            Tus_Max_Size=max_upload_bytes(),
            Tus_Checksum_Algorithm=",".join(CHECKSUM_ALGORITHMS),
        )


class UploadCreateApi(TusMixin, APIView):
    """Start a resumable upload (tus creation). `Upload-Metadata` must carry `episode` (the
    episode id) and may carry `filename`; `Upload-Length` is the file size."""

    @extend_schema(request=None, responses={201: None})
    def post(self, request):
        length = _int_header(request, "Upload-Length")
        if length is None:
            return _tus_response(400, "Upload-Length is required (deferred length unsupported).")
        try:
            metadata = _tus_metadata(request.headers.get("Upload-Metadata", ""))
            episode_uuid = uuid.UUID(metadata.get("episode", ""))
        except ValueError:
            return _tus_response(400, "Upload-Metadata must carry the episode id as 'episode'.")
        episode = get_object_or_404(
            episodes_visible_to(request.user).select_related("infant__clinic"),
            uuid=episode_uuid,
        )
        try:
            session = upload_session_create(
                episode=episode,
                created_by=request.user,
                length=length,
                filename=metadata.get("filename", ""),
                request=request,
            )
        except VideoRefused as exc:
            return _tus_response(exc.status, exc.message)
        location = reverse(
            "api:upload-detail", kwargs={"upload_uuid": session.uuid}, request=request
        )
        return _tus_response(201, Location=location, Upload_Offset=0)


class UploadApi(TusMixin, APIView):
    """A resumable upload: HEAD for its offset, PATCH to append, DELETE to abandon it."""

    def _session(self, request, upload_uuid):
        return get_object_or_404(
            upload_sessions_of(request.user).select_related(
                "episode__infant__clinic", "created_by"
            ),
            uuid=upload_uuid,
        )

    @extend_schema(request=None, responses={200: None})
    def head(self, request, upload_uuid):
        session = self._session(request, upload_uuid)
        return _tus_response(200, Upload_Offset=session.offset, Upload_Length=session.length)

    @extend_schema(request=None, responses={204: None})
    def patch(self, request, upload_uuid):
        session = self._session(request, upload_uuid)
        if request.content_type != "application/offset+octet-stream":
            return _tus_response(415, "Content-Type must be application/offset+octet-stream.")
        offset = _int_header(request, "Upload-Offset")
        count = int(request.META.get("CONTENT_LENGTH") or 0)
        if offset is None:
            return _tus_response(400, "Upload-Offset is required.")
        checksum = None
        if "Upload-Checksum" in request.headers:
            algorithm, _, encoded = request.headers["Upload-Checksum"].partition(" ")
            if algorithm not in CHECKSUM_ALGORITHMS:
                return _tus_response(400, f"Checksum algorithm {algorithm!r} is not supported.")
            try:
                checksum = (algorithm, base64.b64decode(encoded, validate=True))
            except binascii.Error:
                return _tus_response(400, "Upload-Checksum is not base64.")
        try:
            session, video = upload_session_append(
                session=session,
                stream=request._request,
                offset=offset,
                count=count,
                checksum=checksum,
                request=request,
            )
        except UploadOffsetConflict as exc:
            return _tus_response(
                409, "Upload-Offset does not match the upload.", Upload_Offset=exc.current_offset
            )
        except UploadChecksumMismatch:
            return _tus_response(460, "Checksum mismatch: the chunk was discarded; send it again.")
        except VideoRefused as exc:
            return _tus_response(exc.status, exc.message)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        headers = {"Upload_Offset": session.offset}
        if video is not None:
            headers["Video_Id"] = video.uuid
        return _tus_response(204, **headers)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, upload_uuid):
        upload_session_terminate(session=self._session(request, upload_uuid))
        return _tus_response(204)
