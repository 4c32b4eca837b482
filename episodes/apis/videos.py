"""A whole video uploaded in one request, and its media served through the access check."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.models import AuditAction, AuditChannel
from clinics.permissions import SIGNED_IN, DeclaredRoles
from clinics.throttles import UploadThrottle

# Multipart framing around the file; a body bigger than the limit plus this is refused unread.
from episodes.apis.serializers import VideoOutputSerializer
from episodes.intake import (
    ACCEPTED_VIDEO_TYPES,
    ReceivedFile,
    VideoRefused,
    VideoUploadHandler,
    max_upload_bytes,
    too_large,
)
from episodes.media import stored_file_response
from episodes.selectors import episodes_visible_to, videos_visible_to
from episodes.services import (
    video_receive,
)
from patients.services import infant_record_audit

MULTIPART_OVERHEAD_BYTES = 64 * 1024


def _refusal(exc: VideoRefused) -> Response:
    return Response({"detail": exc.message}, status=exc.status)


class VideoUploadApi(APIView):
    """Upload a small video as multipart form data (field `file`). For large files or weak
    connections use the resumable tus endpoint at /api/v1/uploads/. 201 for a new video, 200
    when the same file was already uploaded for this episode."""

    # 507 when the disk is full, 503 when the storage cannot be written (episodes.intake).
    json_error_statuses = (503, 507)
    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    throttle_classes = [UploadThrottle]

    class OutputSerializer(VideoOutputSerializer):
        pass

    def initialize_request(self, request, *args, **kwargs):
        # Installed before anything reads the body (the CSRF check may).
        request.upload_handlers = [VideoUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(request=None, responses={201: OutputSerializer, 200: OutputSerializer})
    def post(self, request, episode_uuid):
        episode = get_object_or_404(
            episodes_visible_to(request.user).select_related("infant__clinic"), uuid=episode_uuid
        )
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > max_upload_bytes() + MULTIPART_OVERHEAD_BYTES:
            return _refusal(too_large())
        upload = request.FILES.get("file")
        handler = request._request.upload_handlers[0]
        if handler.refused is not None:
            return _refusal(handler.refused)
        if upload is None:
            return Response(
                {"detail": "Send the video as multipart form data in the field 'file'."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        received = ReceivedFile(
            path=upload.temporary_file_path(),
            size=upload.size,
            sha256=upload.sha256,
            filename=upload.name or "",
        )
        try:
            video, created = video_receive(
                episode=episode, uploaded_by=request.user, received=received, request=request
            )
        except VideoRefused as exc:
            return _refusal(exc)
        finally:
            upload.close()
        return Response(
            self.OutputSerializer(video, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class VideoMediaApi(APIView):
    """The video's bytes, with HTTP range support: `playable` (the rendition if one was made,
    else the original), `original` (as uploaded, a download) or `poster` (JPEG)."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    kind = "playable"

    @extend_schema(
        responses={
            (status_code, media_type): bytes
            for status_code in (200, 206)
            for media_type in (*ACCEPTED_VIDEO_TYPES, "image/jpeg")
        }
        | {416: None}
    )
    def get(self, request, video_uuid):
        video = get_object_or_404(
            videos_visible_to(request.user).select_related("episode__infant__clinic"),
            uuid=video_uuid,
        )
        if self.kind == "poster":
            fieldfile, content_type, name = video.poster, "image/jpeg", None
        elif self.kind == "original":
            fieldfile, content_type = video.original, video.content_type
            name = f"episode-video-{video.uuid}.{video.original.name.rsplit('.', 1)[-1]}"
        elif video.rendition:
            fieldfile, content_type, name = video.rendition, "video/mp4", None
        else:
            fieldfile, content_type, name = video.original, video.content_type, None
        if not fieldfile:
            raise Http404("Not available yet.")
        infant_record_audit(
            actor=request.user,
            action=AuditAction.DOWNLOAD if self.kind == "original" else AuditAction.VIEW,
            resource=f"episode_video_{self.kind}",
            infant=video.episode.infant,
            channel=AuditChannel.API,
            object_uuid=video.uuid,
            request=request,
            detail={"range": request.headers.get("Range", "")},
        )
        return stored_file_response(request, fieldfile, content_type, download_name=name)


# tus 1.0 (https://tus.io/protocols/resumable-upload): core, creation, termination, checksum.
