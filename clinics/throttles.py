"""Rate limits (DRF throttles, counted in the shared cache). Rates: REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES. A throttled request gets 429 with Retry-After."""

import logging

from django.http import HttpResponse
from django.shortcuts import render
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from clinics.lockout import lockout_client_address
from clinics.selectors import is_clinic_staff

logger = logging.getLogger(__name__)


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        # Read at request time, not import time, so settings overrides take effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        # The counters live in Redis. While it is down a parent's episode log or video must
        # still reach PostgreSQL (docs/security.md): the limit is not counted, and we say so.
        try:
            return super().allow_request(request, view)
        except RedisError:
            logger.warning("rate limit %s not applied: the cache is unreachable", self.scope)
            return True


class AuthThrottle(_SettingsRateThrottle):
    """Sign-in attempts per client address, whatever the account: slows credential stuffing
    across many accounts, which the per-account lockout cannot see."""

    scope = "auth"

    def get_cache_key(self, request, view):
        # The address the lockout counts: the socket's, or the hop the trusted proxy added.
        ident = lockout_client_address(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class _CaregiverThrottle(_SettingsRateThrottle):
    """Counts per caregiver account; clinic staff are not limited here."""

    def counts(self, request) -> bool:
        return True

    def get_cache_key(self, request, view):
        user = request.user
        # counts() first: a GET is never counted, so it needs no membership lookup here.
        if not self.counts(request) or not user.is_authenticated or is_clinic_staff(user):
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


def page_throttle_refusal(request, throttle: SimpleRateThrottle) -> HttpResponse | None:
    """The pages share the API's limits (same scope, same counter): None while the request is
    within the rate, else a 429 page saying when to try again, with Retry-After."""
    # A page has no APIView; the scope is the throttle's own and no rate reads the view.
    if throttle.allow_request(request, view=None):  # type: ignore[arg-type]
        return None
    wait = max(1, int(throttle.wait() or 1))
    response = render(request, "429.html", {"retry_after_minutes": -(-wait // 60)}, status=429)
    response["Retry-After"] = str(wait)
    return response
