"""Referral endpoints: the list and a pediatrician's confirmation."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Assessment
from clinics.api_errors import field_errors
from clinics.permissions import CLINICIANS, STAFF, DeclaredRoles
from patients.apis import InfantListAuditMixin
from workups.apis.common import API, visible_infant
from workups.models import (
    ReferralUrgency,
)
from workups.selectors import (
    referrals_visible_to,
)
from workups.services import (
    referral_confirm,
    referral_create,
)

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
