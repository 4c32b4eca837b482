from clinics.models import Membership, Role, User


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
