from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import FilteredRelation, Q, QuerySet
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinics.models import (
    ApiToken,
    Clinic,
    InvitationLinkQuerySet,
    Membership,
    MembershipQuerySet,
    Notification,
    NotificationQuerySet,
    Role,
    StaffInvitation,
    User,
)

# URL kwarg name -> the visibility selector of the objects it names (user -> QuerySet).
URL_OBJECTS: dict[str, Callable[[User], QuerySet[Any]]] = {}


def url_objects(**selectors: Callable[[User], QuerySet[Any]]) -> None:
    """Register, per URL kwarg, the selector that decides who may see the object it names (by
    its public `uuid`). Apps do it in their selectors module, beside the selectors;
    `clinics.permissions` looks every URL object up through them before any role check."""
    URL_OBJECTS.update(selectors)


def membership_for(user: User) -> Membership | None:
    """The staff member's active clinic membership, or None for caregivers and anonymous users.

    Cached on the user object for the length of the request.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_active_membership"):
        user._active_membership = (
            Membership.objects.active()
            .select_related("clinic")
            .filter(user=user)
            .order_by("created_at")
            .first()
        )
    return user._active_membership


def api_token_for(key_digest: str) -> ApiToken | None:
    """The token with this digest, its user, and the user's active membership with its clinic,
    read in one statement; the membership is cached on the user as `membership_for` would.

    The same membership `membership_for` picks: active, the user active (the caller refuses an
    inactive user's token), the oldest first."""
    token = (
        ApiToken.objects.annotate(
            active_membership=FilteredRelation(
                "user__memberships", condition=Q(user__memberships__is_active=True)
            )
        )
        # The plugin does not know FilteredRelation aliases (active_membership is one).
        .select_related("user", "active_membership__clinic")  # type: ignore[misc]
        .filter(key_digest=key_digest)
        .order_by("active_membership__created_at")
        .first()
    )
    if token is not None and token.user.is_active:
        # A user without one has no row to join: the attribute is then not set at all.
        token.user._active_membership = getattr(token, "active_membership", None)
    return token


def is_clinic_staff(user: User) -> bool:
    return membership_for(user) is not None


def has_role(user: User, *roles: Role) -> bool:
    membership = membership_for(user)
    return membership is not None and membership.role in roles


def needs_second_factor(user: User) -> bool:
    """Staff (an active membership), superusers and Django-admin users sign in with a second
    factor; caregivers do not."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.is_staff or is_clinic_staff(user)


def account_language(user: User) -> str:
    """The language an account reads the product in: its own choice, else English for staff
    (their pages are English for now); "" for a caregiver who has not chosen, so the browser's
    Accept-Language decides."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.language:
        return user.language
    if needs_second_factor(user):
        return translation.get_supported_language_variant(settings.LANGUAGE_CODE)
    return ""


def has_second_factor(user: User) -> bool:
    """The user has confirmed an authenticator app."""
    return bool(TOTPDevice.objects.devices_for_user(user, confirmed=True).exists())


def memberships_managed_by(user: User) -> MembershipQuerySet:
    """The memberships (active or not) of the clinic the user administers; none for anyone who
    is not an active clinic admin. Staff pages and API start from it, so another clinic's
    membership is a 404."""
    membership = membership_for(user)
    if membership is None or membership.role != Role.CLINIC_ADMIN:
        return Membership.objects.none()
    return Membership.objects.filter(clinic=membership.clinic).select_related("user", "clinic")


def staff_invitations_managed_by(user: User) -> InvitationLinkQuerySet:
    """The staff invitations of the clinic the user administers."""
    membership = membership_for(user)
    if membership is None or membership.role != Role.CLINIC_ADMIN:
        return StaffInvitation.objects.none()
    return StaffInvitation.objects.filter(clinic=membership.clinic).select_related("clinic")


def notifications_of(user: User) -> NotificationQuerySet:
    return Notification.objects.for_recipient(user)


url_objects(
    membership_uuid=memberships_managed_by,
    staff_invitation_uuid=staff_invitations_managed_by,
    notification_uuid=notifications_of,
)


def family_clinic_for(user: User) -> Clinic | None:
    """The clinic caring for a caregiver's children (the first child's, if several clinics):
    its time zone and phone numbers are the ones the portal shows. Cached for the request."""
    if not getattr(user, "is_authenticated", False) or membership_for(user) is not None:
        return None
    if not hasattr(user, "_family_clinic"):
        user._family_clinic = (
            Clinic.objects.filter(
                infants__guardianships__caregiver=user,
                infants__guardianships__revoked_at__isnull=True,
            )
            .order_by("infants__guardianships__created_at")
            .first()
        )
    return user._family_clinic
