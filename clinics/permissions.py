from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from clinics.models import Role
from clinics.selectors import has_role, is_clinic_staff


class IsClinicStaff(BasePermission):
    message = "Only clinic staff can do this."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and is_clinic_staff(request.user)
        )


class IsClinician(BasePermission):
    message = "Only a pediatrician can do this."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN)
        )


def require_clinician(request) -> None:
    """For endpoints on one object: look the object up first (another clinic's or family's object
    is a 404 for everyone), then refuse non-clinicians with a 403."""
    if not has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN):
        raise PermissionDenied(IsClinician.message)


def require_clinic_staff(request) -> None:
    if not is_clinic_staff(request.user):
        raise PermissionDenied(IsClinicStaff.message)
