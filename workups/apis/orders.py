"""Test order endpoints: the list, orders from an assessment, and a status move."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Assessment
from clinics.api_errors import field_errors
from clinics.permissions import CLINICIANS, STAFF, DeclaredRoles
from patients.apis import InfantListAuditMixin
from patients.selectors import infants_visible_to
from workups.apis.common import API, visible_infant
from workups.models import (
    OrderedTest,
    OrderStatus,
    Priority,
)
from workups.selectors import (
    orders_visible_to,
)
from workups.services import (
    order_create,
    order_transition,
    orders_from_assessment,
)

# Orders ------------------------------------------------------------------------------------------


class OrderOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    infant_name = serializers.CharField(source="infant.full_name")
    test = serializers.CharField()
    test_display = serializers.CharField(source="get_test_display")
    loinc = serializers.CharField()
    engine_code = serializers.CharField()
    priority = serializers.CharField()
    status = serializers.CharField()
    due_by = serializers.DateTimeField()
    is_overdue = serializers.BooleanField()
    reason = serializers.CharField()
    assessment = serializers.UUIDField(source="assessment.uuid", allow_null=True, default=None)
    ordered_by = serializers.CharField()
    cancel_reason = serializers.CharField()
    allowed_transitions = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()


class OrderListApi(InfantListAuditMixin, generics.ListAPIView):
    """The clinic's test orders (filter by status, infant); pediatricians create them."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    required_write_roles = CLINICIANS
    serializer_class = OrderOutputSerializer
    audit_resource = "test_order"

    class InputSerializer(serializers.Serializer):
        infant = serializers.UUIDField()
        test = serializers.ChoiceField(choices=OrderedTest.choices)
        priority = serializers.ChoiceField(choices=Priority.choices)
        reason_text = serializers.CharField(max_length=300, allow_blank=True, default="")
        assessment = serializers.UUIDField(required=False, allow_null=True)

    def get_queryset(self):
        orders = orders_visible_to(self.request.user).for_list()
        params = self.request.query_params
        if params.get("status") in OrderStatus.values:
            orders = orders.filter(status=params["status"])
        if params.get("infant"):
            try:
                orders = orders.filter(infant__uuid=params["infant"])
            except DjangoValidationError as error:
                raise ValidationError({"infant": "Not a valid id."}) from error
        return orders

    @extend_schema(request=InputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        infant = visible_infant(request, data.validated_data["infant"])
        assessment = None
        if data.validated_data.get("assessment"):
            assessment = get_object_or_404(
                Assessment.objects.filter(infant=infant), uuid=data.validated_data["assessment"]
            )
        with field_errors():
            order = order_create(
                infant=infant,
                test=data.validated_data["test"],
                priority=data.validated_data["priority"],
                reason_text=data.validated_data["reason_text"],
                assessment=assessment,
                ordered_by=request.user,
                channel=API,
                request=request,
            )
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED)


class OrdersFromAssessmentApi(APIView):
    """One click: order every test an assessment recommends that is not already on order."""

    permission_classes = [DeclaredRoles]
    required_roles = CLINICIANS

    class InputSerializer(serializers.Serializer):
        assessment = serializers.UUIDField()

    @extend_schema(request=InputSerializer, responses={201: OrderOutputSerializer(many=True)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = get_object_or_404(
            Assessment.objects.filter(infant__in=infants_visible_to(request.user)),
            uuid=data.validated_data["assessment"],
        )
        with field_errors():
            orders = orders_from_assessment(
                assessment=assessment, ordered_by=request.user, channel=API, request=request
            )
        return Response(
            OrderOutputSerializer(orders, many=True).data, status=status.HTTP_201_CREATED
        )


class OrderTransitionApi(APIView):
    """Move an order along its lifecycle (a result moves it to resulted: post the result)."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF

    class InputSerializer(serializers.Serializer):
        to_status = serializers.ChoiceField(
            choices=[c for c in OrderStatus.choices if c[0] != OrderStatus.RESULTED]
        )
        reason = serializers.CharField(max_length=300, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=OrderOutputSerializer)
    def post(self, request, order_uuid):
        order = get_object_or_404(orders_visible_to(request.user), uuid=order_uuid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with field_errors():
            order = order_transition(
                order=order,
                to_status=data.validated_data["to_status"],
                reason=data.validated_data["reason"],
                actor=request.user,
                channel=API,
                request=request,
            )
        order = orders_visible_to(request.user).for_list().get(pk=order.pk)
        return Response(OrderOutputSerializer(order).data)
