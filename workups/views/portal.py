"""The caregiver's upcoming appointments."""

from django.shortcuts import render

from clinics.permissions import CAREGIVER, requires_roles
from workups.selectors import (
    appointments_upcoming_for_caregiver,
)
from workups.views.common import _audit_list

# The caregiver portal ----------------------------------------------------------------------------


@requires_roles(CAREGIVER)
def portal_appointments(request):
    appointments = list(appointments_upcoming_for_caregiver(request.user).for_list())
    _audit_list(
        request, "appointment", [appointment.referral.infant for appointment in appointments]
    )
    return render(request, "workups/portal_appointments.html", {"appointments": appointments})
