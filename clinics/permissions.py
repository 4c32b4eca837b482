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
