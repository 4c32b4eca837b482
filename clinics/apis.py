from axes.utils import reset as lockout_reset
from django.conf import settings
from django.contrib.auth import authenticate, user_login_failed
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from clinics.lockout import lockout_client_address
from clinics.models import ApiToken, AuditChannel, Membership, Role
from clinics.permissions import PUBLIC, SIGNED_IN, DeclaredRoles
from clinics.selectors import (
    has_second_factor,
    membership_for,
    memberships_managed_by,
    needs_second_factor,
)
from clinics.services import (
    api_token_issue,
    api_token_revoke,
    membership_deactivate,
    membership_role_change,
    second_factor_match,
    staff_invitation_send,
)
from clinics.throttles import AuthThrottle

LOCKED_OUT_MESSAGE = (
    "Too many failed sign-in attempts for this account. Try again later, "
    "or ask your clinic administrator."
)


class ApiRootApi(APIView):
    """The entry points of version 1 of the API."""

    permission_classes = [DeclaredRoles]
    required_roles = PUBLIC

    class OutputSerializer(serializers.Serializer):
        auth_token = serializers.URLField()
        schema = serializers.URLField()
        docs = serializers.URLField()
        me = serializers.URLField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        return Response(
            {
                "auth_token": reverse("api:auth-token", request=request),
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
                "me": reverse("api:me", request=request),
            }
        )


class TokenObtainApi(APIView):
    """Exchange an email and password for an API token. Staff who have set up a second factor
    also send `otp`: the current authenticator code, or a recovery code."""

    authentication_classes: list = []
    permission_classes = [DeclaredRoles]
    required_roles = PUBLIC
    throttle_classes = [AuthThrottle]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
        otp = serializers.CharField(required=False, allow_blank=True, max_length=32)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @staticmethod
    def locked_out() -> Response:
        return Response(
            {"detail": LOCKED_OUT_MESSAGE},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))},
        )

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"].lower()
        # The request goes to authenticate() so that django-axes counts failures and locks out.
        user = authenticate(request, email=email, password=serializer.validated_data["password"])
        if getattr(request, "axes_locked_out", False):
            return self.locked_out()
        if user is None:
            return Response(
                {"non_field_errors": ["Unable to sign in with that email and password."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if needs_second_factor(user) and has_second_factor(user):
            code = serializer.validated_data.get("otp", "")
            if not code:
                return Response(
                    {"otp": ["Enter the current code from your authenticator app."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            if second_factor_match(user=user, token=code) is None:
                # A wrong code counts towards the lockout like a wrong password.
                user_login_failed.send(
                    sender=__name__, credentials={"email": email}, request=request
                )
                if getattr(request, "axes_locked_out", False):
                    return self.locked_out()
                return Response(
                    {"otp": ["That code is not valid, or it was already used."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        # A success clears the failure count, as a sign-in on the web does.
        lockout_reset(ip=lockout_client_address(request), username=email)
        token, raw_key = api_token_issue(user=user)
        data = self.OutputSerializer({"token": raw_key, "expires_at": token.expires_at}).data
        return Response(data, status=status.HTTP_201_CREATED)


class TokenRevokeApi(APIView):
    """Revoke the token used for this request."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    """Who is signed in, and their role."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="uuid")
        email = serializers.EmailField()
        full_name = serializers.CharField()
        role = serializers.CharField(allow_null=True)
        clinic = serializers.CharField(allow_null=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        membership = membership_for(request.user)
        user = request.user
        return Response(
            self.OutputSerializer(
                {
                    "uuid": user.uuid,
                    "email": user.email,
                    "full_name": user.full_name,
                    "role": membership.role if membership else "caregiver",
                    "clinic": membership.clinic.slug if membership else None,
                }
            ).data
        )


# Staff management: clinic admins, their own clinic only -----------------------------------------


class MembershipOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    role = serializers.ChoiceField(choices=Role.choices)
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class StaffListApi(generics.ListAPIView):
    """The staff of the clinic the signed-in clinic admin administers, active or not."""

    permission_classes = [DeclaredRoles]
    required_roles = (Role.CLINIC_ADMIN,)
    serializer_class = MembershipOutputSerializer

    def get_queryset(self):
        return memberships_managed_by(self.request.user).order_by("user__email", "id")


class StaffInvitationCreateApi(APIView):
    """Invite a person by email to the signed-in admin's clinic with one role: a single-use link
    valid 72 hours. The membership is created in this clinic when the link is used."""

    permission_classes = [DeclaredRoles]
    required_roles = (Role.CLINIC_ADMIN,)

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices)

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="uuid")
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices)
        expires_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = staff_invitation_send(
            clinic=membership_for(request.user).clinic,
            invited_by=request.user,
            request=request,
            channel=AuditChannel.API,
            **serializer.validated_data,
        )
        return Response(self.OutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


def _managed_membership(request, membership_uuid) -> Membership:
    return get_object_or_404(memberships_managed_by(request.user), uuid=membership_uuid)


class MembershipRoleApi(APIView):
    """Change the role of a member of the signed-in admin's clinic."""

    permission_classes = [DeclaredRoles]
    required_roles = (Role.CLINIC_ADMIN,)

    class InputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=InputSerializer, responses=MembershipOutputSerializer)
    def patch(self, request, membership_uuid):
        membership = _managed_membership(request, membership_uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_role_change(
            membership=membership,
            role=serializer.validated_data["role"],
            changed_by=request.user,
            request=request,
            channel=AuditChannel.API,
        )
        return Response(MembershipOutputSerializer(membership).data)


class MembershipDeactivateApi(APIView):
    """End a member's access to the signed-in admin's clinic: their sessions end and their API
    tokens are revoked at once."""

    permission_classes = [DeclaredRoles]
    required_roles = (Role.CLINIC_ADMIN,)

    @extend_schema(request=None, responses=MembershipOutputSerializer)
    def post(self, request, membership_uuid):
        membership = membership_deactivate(
            membership=_managed_membership(request, membership_uuid),
            deactivated_by=request.user,
            request=request,
            channel=AuditChannel.API,
        )
        return Response(MembershipOutputSerializer(membership).data)
