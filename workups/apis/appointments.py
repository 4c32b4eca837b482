"""Appointment endpoints: the list, the outcome and the caregiver's confirmation."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.api_errors import field_errors
from clinics.permissions import SIGNED_IN, STAFF, DeclaredRoles
from patients.apis import InfantListAuditMixin
from workups.apis.common import API
from workups.models import (
    OUTCOMES,
)
from workups.selectors import (
    appointments_visible_to,
)
from workups.services import (
    appointment_confirm,
    appointment_outcome_record,
)


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
