"""Rate limits (DRF throttles, counted in the shared cache). Rates: REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES. A throttled request gets 429 with Retry-After."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from clinics.selectors import is_clinic_staff


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        # Read at request time, not import time, so settings overrides take effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AuthThrottle(_SettingsRateThrottle):
    """Sign-in attempts per client address, whatever the account: slows credential stuffing
    across many accounts, which the per-account lockout cannot see."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _CaregiverThrottle(_SettingsRateThrottle):
    """Counts per caregiver account; clinic staff are not limited here."""

    def counts(self, request) -> bool:
        return True

    def get_cache_key(self, request, view):
        user = request.user
        if not user.is_authenticated or is_clinic_staff(user) or not self.counts(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class CaregiverWriteThrottle(_CaregiverThrottle):
    """Writes from the parent portal (episode logs, milestones, messages)."""

    scope = "caregiver_writes"

    def counts(self, request) -> bool:
        return request.method not in ("GET", "HEAD", "OPTIONS")


class UploadThrottle(_CaregiverThrottle):
    """Video uploads from the parent portal: each one costs storage and processing. Counts the
    POST that starts an upload (a multipart upload, or a tus creation); the tus PATCH requests
    that carry its chunks are not counted, so a large video is never cut off halfway."""

    scope = "uploads"

    def counts(self, request) -> bool:
        return request.method == "POST"
