"""Follow-up endpoints: the worklist, completing and reassigning a task."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.api_errors import field_errors
from clinics.permissions import STAFF, DeclaredRoles
from patients.apis import InfantListAuditMixin
from workups.apis.common import API
from workups.models import (
    FollowUpKind,
    FollowUpStatus,
)
from workups.selectors import (
    clinic_assignees,
    follow_ups_visible_to,
)
from workups.services import (
    follow_up_complete,
    follow_up_reassign,
)

# Follow-ups --------------------------------------------------------------------------------------


class FollowUpOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    infant_name = serializers.CharField(source="infant.full_name")
    kind = serializers.CharField()
    description = serializers.CharField()
    due_at = serializers.DateTimeField()
    is_overdue = serializers.BooleanField()
    assignee = serializers.UUIDField(source="assignee.uuid", allow_null=True, default=None)
    status = serializers.CharField()
    outcome_note = serializers.CharField()
    created_by = serializers.CharField(source="created_by_display")


class FollowUpListApi(InfantListAuditMixin, generics.ListAPIView):
    """The worklist: open and overdue first (filter by kind, status, assignee or `me`)."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    serializer_class = FollowUpOutputSerializer
    audit_resource = "follow_up"

    def get_queryset(self):
        tasks = follow_ups_visible_to(self.request.user).worklist()
        params = self.request.query_params
        if params.get("kind") in FollowUpKind.values:
            tasks = tasks.filter(kind=params["kind"])
        if params.get("status") in FollowUpStatus.values:
            tasks = tasks.filter(status=params["status"])
        if params.get("assignee") == "me":
            tasks = tasks.filter(assignee=self.request.user)
        elif params.get("assignee"):
            try:
                tasks = tasks.filter(assignee__uuid=params["assignee"])
            except DjangoValidationError as error:
                raise ValidationError({"assignee": "Not a valid id."}) from error
        return tasks


class FollowUpCompleteApi(APIView):
    """Close a task with a note of what happened."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF

    class InputSerializer(serializers.Serializer):
        outcome_note = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=FollowUpOutputSerializer)
    def post(self, request, followup_uuid):
        task = get_object_or_404(follow_ups_visible_to(request.user), uuid=followup_uuid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with field_errors():
            task = follow_up_complete(
                task=task,
                completed_by=request.user,
                outcome_note=data.validated_data["outcome_note"],
                channel=API,
                request=request,
            )
        return Response(FollowUpOutputSerializer(task).data)


class FollowUpReassignApi(APIView):
    """Give a task to another nurse or pediatrician of the clinic (null: back to the pool)."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF

    class InputSerializer(serializers.Serializer):
        assignee = serializers.UUIDField(allow_null=True)

    @extend_schema(request=InputSerializer, responses=FollowUpOutputSerializer)
    def post(self, request, followup_uuid):
        task = get_object_or_404(follow_ups_visible_to(request.user), uuid=followup_uuid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = None
        if data.validated_data["assignee"]:
            assignee = (
                clinic_assignees(request.user).filter(uuid=data.validated_data["assignee"]).first()
            )
            if assignee is None:
                raise ValidationError({"assignee": "Not a nurse or pediatrician of this clinic."})
        with field_errors():
            task = follow_up_reassign(
                task=task, assignee=assignee, reassigned_by=request.user, channel=API,
                request=request,
            )  # fmt: skip
        return Response(FollowUpOutputSerializer(task).data)
