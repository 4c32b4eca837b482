"""REST endpoints for orders, results, critical alerts, referrals, appointments, follow-ups and
neurology slots. Every object is found through the work-ups selectors (built on
`infants_visible_to`), so another clinic's object is a 404; roles are checked after the lookup."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Assessment
from clinics.api_errors import field_errors
from clinics.models import AuditChannel, Role
from clinics.permissions import CLINICIANS, SIGNED_IN, STAFF, DeclaredRoles
from clinics.selectors import membership_for
from episodes.models import MovementType
from patients.apis import InfantListAuditMixin
from patients.selectors import infants_visible_to
from workups.models import (
    OUTCOMES,
    FollowUpKind,
    FollowUpStatus,
    OrderedTest,
    OrderStatus,
    Priority,
    ReferralUrgency,
    StudyInterpretation,
)
from workups.selectors import (
    appointments_visible_to,
    clinic_assignees,
    critical_alerts_visible_to,
    follow_ups_visible_to,
    orders_visible_to,
    referrals_visible_to,
    results_visible_to,
    slots_visible_to,
)
from workups.services import (
    appointment_confirm,
    appointment_outcome_record,
    critical_alert_acknowledge,
    follow_up_complete,
    follow_up_reassign,
    order_create,
    order_transition,
    orders_from_assessment,
    referral_confirm,
    referral_create,
    result_record,
    slot_create,
    slot_delete,
    slot_update,
)

API = AuditChannel.API


def visible_infant(request, infant_id):
    return get_object_or_404(infants_visible_to(request.user), uuid=infant_id)


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


# Critical alerts ---------------------------------------------------------------------------------


class CriticalAlertOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    result = serializers.UUIDField(source="result.uuid")
    test = serializers.CharField(source="result.order.test")
    value = serializers.CharField(source="result.display_value")
    recipient = serializers.CharField()
    level = serializers.IntegerField()
    level_display = serializers.CharField(source="get_level_display")
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.CharField(allow_null=True)


class CriticalAlertListApi(InfantListAuditMixin, generics.ListAPIView):
    """Critical results, unacknowledged first."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    serializer_class = CriticalAlertOutputSerializer
    audit_resource = "critical_alert"

    def get_queryset(self):
        return critical_alerts_visible_to(self.request.user).select_related(
            "infant", "result__order", "recipient", "acknowledged_by"
        )


class CriticalAlertAcknowledgeApi(APIView):
    """Acknowledge a critical result; escalation stops."""

    permission_classes = [DeclaredRoles]
    required_roles = CLINICIANS

    @extend_schema(request=None, responses=CriticalAlertOutputSerializer)
    def post(self, request, critical_alert_uuid):
        alert = get_object_or_404(
            critical_alerts_visible_to(request.user), uuid=critical_alert_uuid
        )
        alert = critical_alert_acknowledge(
            alert=alert, acknowledged_by=request.user, channel=API, request=request
        )
        return Response(CriticalAlertOutputSerializer(alert).data)


# Referrals and appointments ----------------------------------------------------------------------


class ReferralOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    urgency = serializers.CharField()
    deadline = serializers.DateTimeField()
    status = serializers.CharField()
    instruction = serializers.CharField()
    reason = serializers.CharField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReferralListApi(InfantListAuditMixin, generics.ListAPIView):
    """Neurology referrals by deadline; pediatricians create them (the urgency defaults to the
    latest triage; an emergency is an instruction to go to the emergency department, not booked)."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    required_write_roles = CLINICIANS
    serializer_class = ReferralOutputSerializer
    audit_resource = "referral"

    class InputSerializer(serializers.Serializer):
        infant = serializers.UUIDField()
        reason = serializers.CharField()
        urgency = serializers.ChoiceField(choices=ReferralUrgency.choices, required=False)
        assessment = serializers.UUIDField(required=False, allow_null=True)

    def get_queryset(self):
        return referrals_visible_to(self.request.user).for_list()

    @extend_schema(request=InputSerializer, responses={201: ReferralOutputSerializer})
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
            referral = referral_create(
                infant=infant,
                created_by=request.user,
                reason=data.validated_data["reason"],
                urgency=data.validated_data.get("urgency"),
                assessment=assessment,
                channel=API,
                request=request,
            )
        return Response(ReferralOutputSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralConfirmApi(APIView):
    """A pediatrician confirms a referral an assessment proposed; it is then booked."""

    permission_classes = [DeclaredRoles]
    required_roles = CLINICIANS

    @extend_schema(request=None, responses=ReferralOutputSerializer)
    def post(self, request, referral_uuid):
        referral = get_object_or_404(referrals_visible_to(request.user), uuid=referral_uuid)
        with field_errors():
            referral = referral_confirm(
                referral=referral, confirmed_by=request.user, channel=API, request=request
            )
        return Response(ReferralOutputSerializer(referral).data)


class AppointmentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="referral.infant.uuid")
    infant_name = serializers.CharField(source="referral.infant.full_name")
    referral = serializers.UUIDField(source="referral.uuid")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    length_minutes = serializers.IntegerField(source="slot.length_minutes")
    neurologist_name = serializers.CharField(source="slot.neurologist_name")
    location = serializers.CharField(source="slot.location")
    status = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)


class AppointmentListApi(InfantListAuditMixin, generics.ListAPIView):
    """Staff: the clinic's appointments. Caregivers: their child's upcoming ones (read-only)."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    serializer_class = AppointmentOutputSerializer
    audit_resource = "appointment"

    def get_queryset(self):
        return appointments_visible_to(self.request.user).for_list()


class AppointmentOutcomeApi(APIView):
    """Record whether the family attended; a no-show puts a call on the nurses' worklist."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=OUTCOMES)

    @extend_schema(request=InputSerializer, responses=AppointmentOutputSerializer)
    def post(self, request, appointment_uuid):
        appointments = appointments_visible_to(request.user)
        appointment = get_object_or_404(appointments, uuid=appointment_uuid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with field_errors():
            appointment = appointment_outcome_record(
                appointment=appointment,
                outcome=data.validated_data["outcome"],
                recorded_by=request.user,
                channel=API,
                request=request,
            )
        return Response(AppointmentOutputSerializer(appointment).data)


class AppointmentConfirmApi(APIView):
    """The family has confirmed they will come."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF

    @extend_schema(request=None, responses=AppointmentOutputSerializer)
    def post(self, request, appointment_uuid):
        appointments = appointments_visible_to(request.user).select_related("slot", "referral")
        appointment = get_object_or_404(appointments, uuid=appointment_uuid)
        with field_errors():
            appointment = appointment_confirm(
                appointment=appointment, confirmed_by=request.user, channel=API, request=request
            )
        return Response(AppointmentOutputSerializer(appointment).data)


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


# Neurology slots ---------------------------------------------------------------------------------


class SlotOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    neurologist_name = serializers.CharField()
    location = serializers.CharField()
    starts_at = serializers.DateTimeField()
    length_minutes = serializers.IntegerField()


class SlotInputSerializer(serializers.Serializer):
    neurologist_name = serializers.CharField(max_length=200)
    location = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    length_minutes = serializers.IntegerField(min_value=5, max_value=480, default=30)


class SlotListApi(generics.ListAPIView):
    """The clinic's neurology slots; clinic admins add them."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    required_write_roles = (Role.CLINIC_ADMIN,)
    serializer_class = SlotOutputSerializer

    class InputSerializer(SlotInputSerializer):
        pass

    def get_queryset(self):
        return slots_visible_to(self.request.user).order_by("starts_at", "id")

    @extend_schema(request=InputSerializer, responses={201: SlotOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with field_errors():
            slot = slot_create(
                clinic=membership_for(request.user).clinic,
                created_by=request.user,
                **data.validated_data,
            )
        return Response(SlotOutputSerializer(slot).data, status=status.HTTP_201_CREATED)


class SlotDetailApi(APIView):
    """Read, change (clinic admins) or remove (if never booked) one slot."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    required_write_roles = (Role.CLINIC_ADMIN,)

    class InputSerializer(SlotInputSerializer):
        pass

    def _slot(self, request, slot_uuid):
        return get_object_or_404(slots_visible_to(request.user), uuid=slot_uuid)

    @extend_schema(responses=SlotOutputSerializer)
    def get(self, request, slot_uuid):
        return Response(SlotOutputSerializer(self._slot(request, slot_uuid)).data)

    @extend_schema(request=InputSerializer, responses=SlotOutputSerializer)
    def patch(self, request, slot_uuid):
        slot = self._slot(request, slot_uuid)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with field_errors():
            slot = slot_update(slot=slot, updated_by=request.user, **data.validated_data)
        return Response(SlotOutputSerializer(slot).data)

    @extend_schema(responses={204: None})
    def delete(self, request, slot_uuid):
        slot = self._slot(request, slot_uuid)
        with field_errors():
            slot_delete(slot=slot, deleted_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
