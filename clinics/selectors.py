from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.db import router
from django.db.models import FilteredRelation, Model, Q, QuerySet
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
from clinics.statements import CompiledQuery

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


# The token lookup's tables, each with the prefix of its columns in the joined row.
_TOKEN_ROW: tuple[tuple[type[Model], str], ...] = (
    (ApiToken, ""),
    (User, "user__"),
    (Membership, "active_membership__"),
    (Clinic, "active_membership__clinic__"),
)


def _token_with_membership(shape: None, *, key_digest: str) -> QuerySet[ApiToken, dict[str, Any]]:
    token: QuerySet[ApiToken, dict[str, Any]] = (
        ApiToken.objects.annotate(
            active_membership=FilteredRelation(
                "user__memberships", condition=Q(user__memberships__is_active=True)
            )
        )
        .filter(key_digest=key_digest)
        .order_by("active_membership__created_at")
        .values(
            *(
                prefix + field.attname
                for model, prefix in _TOKEN_ROW
                for field in model._meta.concrete_fields
            )
        )[:1]
    )
    return token


# Every API request authenticates: its statement is compiled once (clinics.statements).
_TOKEN_STATEMENT = CompiledQuery(_token_with_membership, key_digest=str)


def api_token_for(key_digest: str) -> ApiToken | None:
    """The token with this digest, its user, and the user's active membership with its clinic,
    read in one statement; the membership is cached on the user as `membership_for` would.

    The same membership `membership_for` picks: active, the user active (the caller refuses an
    inactive user's token), the oldest first."""
    rows = _TOKEN_STATEMENT.rows(None, key_digest=key_digest)
    if not rows:
        return None
    token, user, membership, clinic = (
        _instance(model, prefix, rows[0]) for model, prefix in _TOKEN_ROW
    )
    assert isinstance(token, ApiToken)
    assert isinstance(user, User)
    token.user = user
    if user.is_active:
        # A user without one has no row to join: the membership's columns are then all null.
        if isinstance(membership, Membership):
            membership.user = user
            membership.clinic = cast(Clinic, clinic)
        user._active_membership = cast(Membership | None, membership)
    return token


def _instance(model: type[Model], prefix: str, row: dict[str, Any]) -> Model | None:
    """The instance the ORM builds from `prefix`'s columns of a joined row; None where an outer
    join found no row (its primary key is null)."""
    fields = model._meta.concrete_fields
    if row[prefix + model._meta.pk.attname] is None:
        return None
    return model.from_db(
        router.db_for_read(model),
        [field.attname for field in fields],
        [row[prefix + field.attname] for field in fields],
    )


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
