"""Result endpoints: the list and recording what came back for an order."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.api_errors import field_errors
from clinics.permissions import STAFF, DeclaredRoles
from episodes.models import MovementType
from patients.apis import InfantListAuditMixin
from workups.apis.common import API
from workups.models import (
    StudyInterpretation,
)
from workups.selectors import (
    orders_visible_to,
    results_visible_to,
)
from workups.services import (
    result_record,
)

# Results -----------------------------------------------------------------------------------------


class ResultOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    order = serializers.UUIDField(source="order.uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    test = serializers.CharField(source="order.test")
    collected_at = serializers.DateTimeField()
    age_hours_at_collection = serializers.FloatField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    normalised_value = serializers.FloatField(allow_null=True)
    normalised_unit = serializers.CharField()
    flag = serializers.CharField()
    interpretation = serializers.JSONField()
    study_interpretation = serializers.CharField()
    captured_typical_event = serializers.BooleanField(allow_null=True)
    captured_event_types = serializers.ListField(child=serializers.CharField())
    report_text = serializers.CharField()


class ResultListApi(InfantListAuditMixin, generics.ListAPIView):
    """The clinic's results, newest first (filter by infant or flag)."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    serializer_class = ResultOutputSerializer
    audit_resource = "result"

    def get_queryset(self):
        results = results_visible_to(self.request.user).for_list()
        if self.request.query_params.get("flag"):
            results = results.filter(flag=self.request.query_params["flag"])
        return results


class ResultCreateApi(APIView):
    """Record an order's result: a value with its unit, or a study's interpretation."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF

    class InputSerializer(serializers.Serializer):
        collected_at = serializers.DateTimeField(required=False)
        value = serializers.FloatField(required=False, allow_null=True)
        unit = serializers.CharField(max_length=16, allow_blank=True, default="")
        study_interpretation = serializers.ChoiceField(
            choices=StudyInterpretation.choices, allow_blank=True, default=""
        )
        captured_typical_event = serializers.BooleanField(required=False, allow_null=True)
        captured_event_types = serializers.ListField(
            child=serializers.ChoiceField(choices=MovementType.choices), required=False
        )
        report_text = serializers.CharField(allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: ResultOutputSerializer})
    def post(self, request, order_uuid):
        order = get_object_or_404(orders_visible_to(request.user), uuid=order_uuid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with field_errors():
            result = result_record(
                order=order, recorded_by=request.user, channel=API, request=request,
                **data.validated_data,
            )  # fmt: skip
        return Response(ResultOutputSerializer(result).data, status=status.HTTP_201_CREATED)
