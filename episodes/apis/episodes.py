"""Episodes over the API: the list (filtered, one query for the page), one episode, and the
clinician's review."""

from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.api_errors import api_validation_error
from clinics.filters import FieldFilterBackend
from clinics.models import AuditAction, AuditChannel, Membership, User
from clinics.pagination import LastPageCountsItselfPagination
from clinics.permissions import CAREGIVER, CLINICIANS, SIGNED_IN, DeclaredRoles
from clinics.selectors import membership_for
from clinics.statements import CompiledQuery
from clinics.throttles import CaregiverWriteThrottle

# Multipart framing around the file; a body bigger than the limit plus this is refused unread.
from episodes.apis.serializers import EpisodeOutputSerializer, _episode_input_fields
from episodes.models import (
    Episode,
    EpisodeVideo,
    Oscillation,
)
from episodes.selectors import episodes_visible_to
from episodes.services import (
    IdempotencyKeyReused,
    episode_clinician_review,
    episode_log,
    idempotent_response,
    request_fingerprint,
)
from patients.selectors import infants_visible_to
from patients.services import infant_read_record, infant_record_audit


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


# Serialised from the episode's relations and properties, not from one column each.
_DERIVED = ("videos", "video_available", "next_step_advice")


def _page_columns(episodes: QuerySet[Episode]) -> QuerySet[Episode, dict[str, Any]]:
    """The list's `.values()` rows: the serializer's columns, and what the derived fields are
    made from."""
    # A column of the row here, where the model's property would read the videos of each. The
    # annotation takes the property's name on purpose (the serializer reads `video_available`);
    # django-stubs reports that as a redefinition, hence the one ignore.
    return episodes.annotate(  # type: ignore[no-redef]
        video_available=Exists(EpisodeVideo.objects.filter(episode=OuterRef("pk")))
    ).values(
        "pk",
        "video_available",
        "infant__caregiver_advice",
        "infant__assessed_at",
        *EpisodeOutputSerializer.values_keys(exclude=_DERIVED),
    )


def _episode_page(
    shape: tuple[str, tuple[str, ...], int, int | None], *, reader: int, clinic: int, **filters
) -> QuerySet[Episode, dict[str, Any]]:
    """The page of `shape` (the reader's role, the filters given, offset and limit) for a
    stand-in reader of that role whose ids are the statement's placeholders: the scoping is
    `episodes_visible_to`'s own, with the real reader's ids bound at each read."""
    role, filter_names, offset, limit = shape
    stand_in = User(pk=reader, is_active=True)
    stand_in._active_membership = (
        None if role == CAREGIVER else Membership(user=stand_in, clinic_id=clinic, role=role)
    )
    episodes = FieldFilterBackend.filtered(
        EpisodeFilter,
        episodes_visible_to(stand_in).recent(),
        {name: filters[name] for name in filter_names},
    )
    return _page_columns(episodes)[offset : None if limit is None else offset + limit]


# Compiled once per shape: building and compiling the page's query was a third of a read.
_PAGE_STATEMENT = CompiledQuery(
    _episode_page,
    reader=int,
    clinic=int,
    infant=UUID,
    started_after=datetime,
    started_before=datetime,
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
    pagination_class = LastPageCountsItselfPagination
    # GET ?infant= naming an infant the person may not see (see _refuse_an_infant_not_visible).
    json_error_statuses = (404,)

    InputSerializer = type("InputSerializer", (serializers.Serializer,), _episode_input_fields())
    OutputSerializer = EpisodeOutputSerializer

    def get_queryset(self):
        return _episodes_for(self.request.user)

    def _page_rows(self) -> tuple[list[dict], bool]:
        """The page as `.values()` rows (one statement, compiled once per shape, no model
        instances), each with its videos: read in a second query only when a row has any."""
        rows, paginated = self._page()
        videos: dict[int, list[EpisodeVideo]] = {
            row["pk"]: [] for row in rows if row["video_available"]
        }
        if videos:
            for video in EpisodeVideo.objects.filter(episode_id__in=videos).prefetch_related(
                "movement_analyses"
            ):
                videos[video.episode_id].append(video)
        for row in rows:
            row["videos"] = videos.get(row["pk"], [])
            row["next_step_advice"] = Episode.advice_after(
                caregiver_advice=row["infant__caregiver_advice"],
                assessed_at=row["infant__assessed_at"],
                logged_at=row["created_at"],
            )
        return rows, paginated

    def _page(self) -> tuple[list[dict], bool]:
        # Signed in (DeclaredRoles); the selector answers nothing for anyone else anyway.
        user = cast(User, self.request.user)
        filters = FieldFilterBackend.plain_values(EpisodeFilter, self.request)
        if filters is None or not user.is_active:
            # The full FilterSet answers a value that does not clean with its own 400.
            episodes = _page_columns(self.filter_queryset(episodes_visible_to(user).recent()))
            page = self.paginate_queryset(episodes)
            return (page, True) if page is not None else (list(episodes), False)
        membership = membership_for(user)
        role = membership.role if membership else CAREGIVER
        scope = {"clinic": membership.clinic_id} if membership else {"reader": user.pk}

        def read(offset: int, limit: int | None) -> list[dict]:
            shape = (role, tuple(filters), offset, limit)
            return _PAGE_STATEMENT.rows(shape, **scope, **filters)

        page = cast(LastPageCountsItselfPagination, self.paginator).paginate_read(
            self.request,
            read,
            count=lambda: FieldFilterBackend.filtered(
                EpisodeFilter, episodes_visible_to(user), filters
            ).count(),
        )
        return (page, True) if page is not None else (read(0, None), False)

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
