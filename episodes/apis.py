import base64
import binascii
import uuid
from datetime import UTC
from typing import Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from clinics.api_errors import api_validation_error
from clinics.filters import FieldFilterBackend
from clinics.models import AuditAction, AuditChannel, User
from clinics.permissions import CLINICIANS, SIGNED_IN, DeclaredRoles
from clinics.selectors import is_clinic_staff
from clinics.serializers import FastOutputMixin
from clinics.throttles import CaregiverWriteThrottle, UploadThrottle
from episodes.intake import (
    ACCEPTED_VIDEO_TYPES,
    ReceivedFile,
    VideoRefused,
    VideoUploadHandler,
    max_upload_bytes,
    too_large,
)
from episodes.media import stored_file_response
from episodes.models import (
    EPISODE_CHOICE_FIELDS,
    EPISODE_LIST_FIELDS,
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    AnalysisQuality,
    Episode,
    EpisodeVideo,
    MovementPattern,
    Oscillation,
)
from episodes.selectors import episodes_visible_to, upload_sessions_of, videos_visible_to
from episodes.services import (
    CHECKSUM_ALGORITHMS,
    IdempotencyKeyReused,
    UploadChecksumMismatch,
    UploadOffsetConflict,
    episode_clinician_review,
    episode_log,
    idempotent_response,
    request_fingerprint,
    upload_session_append,
    upload_session_create,
    upload_session_terminate,
    video_receive,
)
from patients.selectors import infants_visible_to
from patients.services import infant_read_record, infant_record_audit

# Multipart framing around the file; a body bigger than the limit plus this is refused unread.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def _refusal(exc: VideoRefused) -> Response:
    return Response({"detail": exc.message}, status=exc.status)


class MovementBurstSerializer(serializers.Serializer):
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()
    peak_frequency_hz = serializers.FloatField(allow_null=True)


class MovementSignalSerializer(serializers.Serializer):
    rate_hz = serializers.FloatField(allow_null=True, help_text="Samples a second.")
    values = serializers.ListField(
        child=serializers.FloatField(),
        help_text="Displacement of the main moving region, as a share of its size.",
    )


class MovementSpectrumSerializer(serializers.Serializer):
    frequencies_hz = serializers.ListField(child=serializers.FloatField())
    power = serializers.ListField(child=serializers.FloatField(), help_text="Peak = 1.")


class MovementReviewSuggestionSerializer(serializers.Serializer):
    oscillation = serializers.ChoiceField(choices=Oscillation.choices)
    rate_hz_est = serializers.FloatField(allow_null=True)


class MovementOutputSerializer(serializers.Serializer):
    """What the movement analysis measured in the video (staff only): a measurement for the
    clinician to confirm, never a conclusion."""

    id = serializers.UUIDField(source="uuid")
    algorithm_version = serializers.CharField()
    input_sha256 = serializers.CharField(help_text="SHA-256 of the file that was analysed.")
    quality = serializers.ChoiceField(choices=AnalysisQuality.choices)
    quality_reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why a clip is poor or unusable: too short, too dark, camera moving too much, "
        "no movement found, not a readable video.",
    )
    analysed_seconds = serializers.FloatField()
    frame_rate = serializers.FloatField(allow_null=True)
    dominant_frequency_hz = serializers.FloatField(
        allow_null=True, help_text="The spectral peak; null unless quality is good."
    )
    rhythmicity = serializers.FloatField(
        allow_null=True, help_text="0-1: the spectral peak's share of the 0.4-15 Hz power."
    )
    waveform_asymmetry = serializers.FloatField(
        allow_null=True,
        help_text="0 equal rise and fall (tremor) .. 1 a fast and a slow phase (clonic); "
        "rhythmic movements only.",
    )
    amplitude_index = serializers.FloatField(
        allow_null=True, help_text="Peak-to-peak displacement over the moving region's size."
    )
    side_asymmetry = serializers.FloatField(
        allow_null=True,
        help_text="-1 only the left of the picture moves .. 0 both equally .. 1 only the right.",
    )
    bursts = MovementBurstSerializer(many=True)
    bursts_clustered = serializers.BooleanField()
    pattern = serializers.ChoiceField(
        choices=MovementPattern.choices, allow_null=True, source="pattern_or_none"
    )
    summary = serializers.CharField(help_text="The figures in words.")
    review_suggestion = MovementReviewSuggestionSerializer(allow_null=True)
    signal = MovementSignalSerializer()
    spectrum = MovementSpectrumSerializer()
    created_at = serializers.DateTimeField()


class VideoOutputSerializer(FastOutputMixin, serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    state = serializers.CharField()
    failure_reason = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    original_filename = serializers.CharField()
    duration_s = serializers.FloatField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    rotation = serializers.IntegerField(allow_null=True)
    video_codec = serializers.CharField()
    audio_codec = serializers.CharField()
    created_at = serializers.DateTimeField()
    links = serializers.SerializerMethodField()
    movement = serializers.SerializerMethodField()

    @extend_schema_field(MovementOutputSerializer(allow_null=True))
    def get_movement(self, video) -> dict | None:
        """The newest movement analysis, for clinic staff only (null for caregivers and until
        the analysis has run)."""
        if not self._for_staff():
            return None
        analysis = video.movement_analysis
        return None if analysis is None else MovementOutputSerializer(analysis).data

    def _for_staff(self) -> bool:
        # DRF hands every serializer of a response the same (mutable) context dict.
        cache = cast("dict[str, Any]", self.context).setdefault("_movement_for_staff", {})
        request = self.context.get("request")
        if "staff" not in cache:
            user = getattr(request, "user", None)
            cache["staff"] = bool(user is not None and is_clinic_staff(user))
        return cache["staff"]

    def get_links(self, video) -> dict:
        request = self.context.get("request")
        kwargs = {"video_uuid": video.uuid}
        return {
            "media": reverse("api:video-playable", kwargs=kwargs, request=request),
            "poster": (
                reverse("api:video-poster", kwargs=kwargs, request=request)
                if video.poster
                else None
            ),
            "original": reverse("api:video-original", kwargs=kwargs, request=request),
        }


class EpisodeOutputSerializer(FastOutputMixin, serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    reported_by = serializers.UUIDField(source="reported_by.uuid")
    started_at = serializers.DateTimeField()
    duration_s = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()
    trigger = serializers.CharField()
    movement_type = serializers.CharField()
    distribution = serializers.CharField()
    symmetry = serializers.CharField()
    stops_with_gentle_restraint = serializers.CharField()
    stops_on_waking = serializers.CharField()
    stimulus_sensitive = serializers.CharField()
    clusters = serializers.CharField()
    episodes_per_day = serializers.IntegerField(allow_null=True)
    eye_signs = serializers.CharField()
    autonomic = serializers.ListField(child=serializers.CharField())
    consciousness = serializers.CharField()
    after_event = serializers.CharField()
    associated = serializers.ListField(child=serializers.CharField())
    temperature_c = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    notes = serializers.CharField()
    video_available = serializers.BooleanField()
    oscillation = serializers.CharField()
    rate_hz_est = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    clinician_notes = serializers.CharField()
    clinician_reviewed = serializers.BooleanField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    next_step_advice = serializers.CharField()
    created_at = serializers.DateTimeField()
    videos = VideoOutputSerializer(many=True)


def _episode_input_fields() -> dict:
    fields = {
        "infant": serializers.UUIDField(),
        "started_at": serializers.DateTimeField(),
        "duration_s": serializers.IntegerField(
            min_value=0, max_value=24 * 60 * 60, required=False, allow_null=True
        ),
        "episodes_per_day": serializers.IntegerField(
            min_value=0, max_value=1000, required=False, allow_null=True
        ),
        "notes": serializers.CharField(required=False, allow_blank=True, max_length=4000),
        "temperature_c": serializers.DecimalField(
            max_digits=3,
            decimal_places=1,
            min_value=TEMPERATURE_MIN_C,
            max_value=TEMPERATURE_MAX_C,
            required=False,
            allow_null=True,
        ),
    }
    for name, vocabulary in EPISODE_CHOICE_FIELDS.items():
        fields[name] = serializers.ChoiceField(
            choices=vocabulary.choices, required=False, allow_blank=True
        )
    for name, vocabulary in EPISODE_LIST_FIELDS.items():
        fields[name] = serializers.ListField(
            child=serializers.ChoiceField(choices=vocabulary.choices), required=False
        )
    return fields


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with any offset, in UTC: PostgreSQL refuses offsets beyond +-15:59, and
    a time past year 9999 once in UTC is out of range (both were 500s)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError("The time is out of range.", code="invalid") from exc


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class EpisodeFilter(django_filters.FilterSet):
    infant = django_filters.UUIDFilter(field_name="infant__uuid")
    started_after = UtcIsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = UtcIsoDateTimeFilter(field_name="started_at", lookup_expr="lte")

    class Meta:
        model = Episode
        fields = ["infant", "started_after", "started_before"]


def _episodes_for(user):
    return (
        episodes_visible_to(user)
        .select_related("infant", "reported_by")
        .prefetch_related("videos__movement_analyses")
        .recent()
    )


class EpisodeListApi(generics.ListAPIView):
    """Episodes of the infants you may see (GET), or log a new one (POST).

    Send an `Idempotency-Key` header with a POST: a retry with the same key returns the first
    response instead of logging the episode twice."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    throttle_classes = [CaregiverWriteThrottle]
    serializer_class = EpisodeOutputSerializer
    filter_backends = [FieldFilterBackend]
    filterset_class = EpisodeFilter
    # GET ?infant= naming an infant the person may not see (see _refuse_an_infant_not_visible).
    json_error_statuses = (404,)

    InputSerializer = type("InputSerializer", (serializers.Serializer,), _episode_input_fields())
    OutputSerializer = EpisodeOutputSerializer

    def get_queryset(self):
        return _episodes_for(self.request.user)

    # Serialised from the episode's relations and properties, not from one column each.
    _DERIVED = ("videos", "video_available", "next_step_advice")

    def _page_rows(self) -> tuple[list[dict], bool]:
        """The page as `.values()` rows of the serializer's columns (one query, no model
        instances), each with its videos: read in a second query only when a row has any."""
        # Signed in (DeclaredRoles); the selector answers nothing for anyone else anyway.
        user = cast(User, self.request.user)
        queryset = self.filter_queryset(episodes_visible_to(user).recent())
        queryset = queryset.annotate(
            video_available=Exists(EpisodeVideo.objects.filter(episode=OuterRef("pk")))
        ).values(
            "pk",
            "video_available",
            "infant__caregiver_advice",
            "infant__assessed_at",
            *self.OutputSerializer.values_keys(exclude=self._DERIVED),
        )
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        videos: dict[int, list[EpisodeVideo]] = {
            row["pk"]: [] for row in rows if row["video_available"]
        }
        if videos:
            for video in EpisodeVideo.objects.filter(episode_id__in=videos):
                videos[video.episode_id].append(video)
        for row in rows:
            row["videos"] = videos.get(row["pk"], [])
            row["next_step_advice"] = Episode.advice_after(
                caregiver_advice=row["infant__caregiver_advice"],
                assessed_at=row["infant__assessed_at"],
                logged_at=row["created_at"],
            )
        return rows, page is not None

    def list(self, request, *args, **kwargs):
        rows, paginated = self._page_rows()
        data = self.get_serializer(rows, many=True).data
        if not data:
            self._refuse_an_infant_not_visible(request)
        response = self.get_paginated_response(data) if paginated else Response(data)
        # A list read is audited like the infant list: one row naming what was shown.
        infant_read_record(
            reader=request.user,
            action=AuditAction.LIST,
            resource="episode",
            channel=AuditChannel.API,
            request=request,
            infant_uuids={row["infant"] for row in data},
            detail={"episode_ids": [str(row["id"]) for row in data]},
        )
        return response

    def _refuse_an_infant_not_visible(self, request) -> None:
        """`?infant=` naming another clinic's or family's infant is a 404 (and so a `denied`
        row), not an empty list; checked only when the page is empty, so a normal read pays
        nothing for it."""
        form = self.filterset_class(request.query_params).form
        named = form.cleaned_data.get("infant") if form.is_valid() else None
        if named and not infants_visible_to(request.user).filter(uuid=named).exists():
            raise Http404("No such infant.")

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            status_code, body = self._log(request)
            return Response(body, status=status_code)
        if len(key) > 255:
            raise ValidationError({"Idempotency-Key": "At most 255 characters."})
        try:
            status_code, body = idempotent_response(
                user=request.user,
                key=key,
                fingerprint=request_fingerprint(request.data),
                run=lambda: self._log(request),
            )
        except IdempotencyKeyReused:
            return Response(
                {"detail": "This Idempotency-Key was already used for a different request."},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(body, status=status_code)

    def _log(self, request) -> tuple[int, dict]:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        infant = get_object_or_404(
            infants_visible_to(request.user).select_related("clinic"), uuid=data.pop("infant")
        )
        try:
            episode = episode_log(
                infant=infant,
                reported_by=request.user,
                request=request,
                channel=AuditChannel.API,
                **data,
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        episode = _episodes_for(request.user).get(pk=episode.pk)
        body = self.OutputSerializer(episode, context={"request": request}).data
        return status.HTTP_201_CREATED, dict(body)


class EpisodeDetailApi(generics.RetrieveAPIView):
    """One episode with its videos."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    serializer_class = EpisodeOutputSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "episode_uuid"

    def get_queryset(self):
        return _episodes_for(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        episode = self.get_object()
        infant_record_audit(
            actor=request.user,
            action=AuditAction.VIEW,
            resource="episode",
            infant=episode.infant,
            channel=AuditChannel.API,
            object_uuid=episode.uuid,
            request=request,
        )
        return Response(self.get_serializer(episode).data)


class EpisodeReviewApi(APIView):
    """A clinician records what the video shows (oscillation, estimated rate). The caregiver's
    answers are not changed."""

    permission_classes = [DeclaredRoles]
    required_roles = CLINICIANS
    throttle_classes = [CaregiverWriteThrottle]

    class InputSerializer(serializers.Serializer):
        oscillation = serializers.ChoiceField(
            choices=Oscillation.choices, required=False, allow_blank=True
        )
        rate_hz_est = serializers.DecimalField(
            max_digits=4,
            decimal_places=1,
            min_value=0,
            max_value=30,
            required=False,
            allow_null=True,
        )
        clinician_notes = serializers.CharField(required=False, allow_blank=True)

    OutputSerializer = EpisodeOutputSerializer

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request, episode_uuid):
        episode = get_object_or_404(_episodes_for(request.user), uuid=episode_uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        episode_clinician_review(
            episode=episode, reviewed_by=request.user, request=request, **serializer.validated_data
        )
        episode = _episodes_for(request.user).get(pk=episode.pk)
        return Response(self.OutputSerializer(episode, context={"request": request}).data)


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
