from zoneinfo import ZoneInfo

from django.utils import timezone

from clinics.selectors import membership_for


class ClinicTimeZoneMiddleware:
    """Staff see every time in their clinic's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = membership_for(request.user) if hasattr(request, "user") else None
        if membership is not None:
            timezone.activate(ZoneInfo(membership.clinic.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
