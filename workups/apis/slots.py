"""Neurology slot endpoints: the list with creation, and one slot's change and removal."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.api_errors import field_errors
from clinics.models import Role
from clinics.permissions import STAFF, DeclaredRoles
from clinics.selectors import membership_for
from workups.selectors import (
    slots_visible_to,
)
from workups.services import (
    slot_create,
    slot_delete,
    slot_update,
)

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
