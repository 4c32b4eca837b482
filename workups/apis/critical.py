"""Critical alert endpoints: the list and the acknowledgement."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.permissions import CLINICIANS, STAFF, DeclaredRoles
from patients.apis import InfantListAuditMixin
from workups.apis.common import API
from workups.selectors import (
    critical_alerts_visible_to,
)
from workups.services import (
    critical_alert_acknowledge,
)

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
