"""Session rules for staff: a verified second factor on every page, and an idle time limit."""

import base64
import json
import time
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from clinics.models import AuditChannel
from clinics.selectors import (
    account_language,
    family_clinic_for,
    has_second_factor,
    membership_for,
    needs_second_factor,
)
from clinics.services import audit_denied

LAST_ACTIVITY_SESSION_KEY = "staff_last_activity"
# Writing the timestamp at most once a minute keeps most requests from saving the session.
ACTIVITY_RESOLUTION_SECONDS = 60


def _exempt_prefixes() -> tuple[str, ...]:
    # The API authenticates with tokens (and refuses unverified sessions itself); the pages of
    # the sign-in flow must be reachable before the second factor.
    return (
        reverse("login"),
        reverse("logout"),
        reverse("otp-verify"),
        reverse("otp-setup"),
        reverse("healthz"),
        f"/{settings.STATIC_URL.lstrip('/')}",
        "/api/",
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_MINUTES without a request: clinic computers
    are shared and left unlocked. Caregivers keep the ordinary session length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and needs_second_factor(user):
            now = int(time.time())
            idle_limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if last is not None and now - last > idle_limit:
                logout(request)
                if not _is_api(request):
                    messages.info(request, "You were signed out after a period of inactivity.")
                    return redirect_to_login(request.get_full_path())
            elif last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
                # The stored session expires too, not only the check above.
                request.session.set_expiry(idle_limit)
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Every staff page needs a session verified with the second factor. Unverified staff go
    to the verification page, or to enrolment if they have no authenticator yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and needs_second_factor(user)
            and not user.is_verified()
            and not request.path.startswith(_exempt_prefixes())
        ):
            target = "otp-verify" if has_second_factor(user) else "otp-setup"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


class ClinicTimeZoneMiddleware:
    """Everyone sees every time in their clinic's time zone: staff their own clinic's, families
    the zone of the clinic caring for their child."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = membership_for(request.user) if hasattr(request, "user") else None
        clinic = membership.clinic if membership is not None else None
        if clinic is None and hasattr(request, "user"):
            clinic = family_clinic_for(request.user)
        if clinic is not None:
            timezone.activate(ZoneInfo(clinic.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class AccountLanguageMiddleware:
    """A signed-in person reads the product in their account's language, on every device; with
    none stored, LocaleMiddleware's choice from Accept-Language stands. Runs after
    AuthenticationMiddleware (it needs the user) and before the views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = account_language(request.user) if hasattr(request, "user") else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# URL kwargs, body and query keys that name an infant, so a refusal is filed under its trail.
INFANT_KWARGS = ("infant_id", "infant_uuid")
INFANT_KEYS = (*INFANT_KWARGS, "infant")
# Form bodies (urlencoded or multipart) are read through request.POST after the view; a JSON
# body must be kept before the view, which consumes its stream. Files and tus chunks are not read.
FORM_BODY_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class DeniedAccessAuditMiddleware:
    """A signed-in person refused an object (404: not theirs or not there; 403: their role)
    leaves an `AuditEvent` with action `denied`: one place for every page and API endpoint,
    so probing other clinics' or families' ids shows in the trail. The ids may be in the URL,
    the query string, the body (JSON or form) or tus's Upload-Metadata header; a refusal that
    named no id is not a probe. At most AUDIT_DENIED_ROWS_PER_MINUTE rows per person and minute
    are written, the rest counted (`clinics.services.audit_denied`). Anonymous requests are not
    written (they never reach a lookup, and would let anyone fill the table)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        body = _readable_body(request)
        response = self.get_response(request)
        match = request.resolver_match
        if (
            response.status_code in (403, 404)
            and match is not None
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            self._record(request, response, match, body)
        return response

    def _record(self, request, response, match, body: bytes) -> None:
        kwargs = {name: str(value) for name, value in match.kwargs.items()}
        probed = _probed_ids(request, body)
        if not kwargs and not probed:
            return
        named = {**{key: value for _, key, value in probed}, **kwargs}
        infant = next((named[name] for name in INFANT_KEYS if name in named), None)
        objects = [value for name, value in named.items() if name not in INFANT_KEYS]
        detail = {"status": response.status_code, "kwargs": kwargs}
        if probed:
            detail["probed"] = [
                {"in": where, "name": key, "id": value} for where, key, value in probed
            ]
        audit_denied(
            actor=request.user,
            resource=(match.view_name or "")[:40],
            channel=AuditChannel.API if _is_api(request) else AuditChannel.WEB,
            request=request,
            infant_uuid=_as_uuid(infant),
            object_uuid=_as_uuid(objects[-1] if objects else None),
            detail=detail,
        )


def _readable_body(request) -> bytes:
    """A JSON body, read (and so kept for the view) before the view runs: after it, DRF has
    consumed the stream."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return b""
    if request.content_type != "application/json":
        return b""
    try:
        return request.body
    except (RawPostDataException, RequestDataTooBig):
        return b""


def _probed_ids(request, body: bytes) -> list[tuple[str, str, str]]:
    """(where, key, id) of every UUID the request named outside its URL."""
    found = []
    for key, values in request.GET.lists():
        found += [("query", key, value) for value in values if _as_uuid(value)]
    found += [("body", key, value) for key, value in _body_values(request, body)]
    metadata = request.META.get("HTTP_UPLOAD_METADATA", "")
    for pair in metadata.split(",")[:20]:
        key, _, encoded = pair.strip().partition(" ")
        try:
            value = base64.b64decode(encoded, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            continue
        if _as_uuid(value):
            found.append(("header", key, value))
    return found[:20]


def _body_values(request, body: bytes):
    if body:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return
        items = data.items() if isinstance(data, dict) else []
        for key, value in items:
            values = value if isinstance(value, list) else [value]
            yield from ((key, item) for item in values if isinstance(item, str) and _as_uuid(item))
        return
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.content_type not in FORM_BODY_TYPES:
        return
    try:
        form = request.POST  # parsed by the view already (DRF copies its form data here)
    except (RawPostDataException, RequestDataTooBig, MultiPartParserError):
        return
    for key, values in form.lists():
        yield from ((key, value) for value in values if _as_uuid(value))


def _as_uuid(value):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


class SuperuserOnlyAdminMiddleware:
    """The Django admin answers 404 to everyone but superusers: clinic admins and everyone else
    are not told it exists (staff management lives on the clinic's own pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            user = getattr(request, "user", None)
            if user is None or not (user.is_active and user.is_superuser):
                raise Http404
        return None


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in person (session or API token) may carry a child's record:
    `Cache-Control: no-store` keeps it out of browser, proxy and shared caches. Runs on the
    response, after DRF has set the token's user on the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store, private"
        return response
