from django_otp.plugins.otp_totp.models import TOTPDevice

from clinics.models import Clinic, Membership, Role, User


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


def has_second_factor(user: User) -> bool:
    """The user has confirmed an authenticator app."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


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
