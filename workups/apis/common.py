"""What every work-ups endpoint shares: the audit channel and the infant lookup."""

from django.shortcuts import get_object_or_404

from clinics.models import AuditChannel
from patients.selectors import infants_visible_to

API = AuditChannel.API


def visible_infant(request, infant_id):
    return get_object_or_404(infants_visible_to(request.user), uuid=infant_id)
