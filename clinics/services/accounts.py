"""A user's own account: language, password, the sign-in lockout and the second factor."""

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinics.models import (
    AuditAction,
    AuditChannel,
    User,
)
from clinics.services.audit import audit_record
from clinics.services.common import ClientRequest
from clinics.services.tokens import api_tokens_revoke_all

logger = logging.getLogger(__name__)


@transaction.atomic
def account_language_set(*, user: User, language: str) -> User:
    """The account's language, used on every device it signs in from and for the emails and
    text messages it receives."""
    user.language = language
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["language"])
    return user


def user_password_change(
    *, user: User, password: str, request: ClientRequest | None = None
) -> User:
    """A new password also revokes every API token: whoever knew the old one may hold a token."""
    user.set_password(password)
    user.save(update_fields=["password"])
    api_tokens_revoke_all(user=user, request=request, reason="password_changed")
    return user


def sign_in_lockout_record(
    *, request: ClientRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    """A lockout is logged and audited: it is either an attack or a colleague who needs help."""
    path = request.path if request is not None else ""
    # The email stays in the audit row; a log line names no person.
    logger.warning("sign-in locked out from %s at %s", kwargs.get("ip_address"), path)
    audit_record(
        actor=None,
        action=AuditAction.DENIED,
        resource="sign_in",
        channel=AuditChannel.API if path.startswith("/api/") else AuditChannel.WEB,
        request=request,
        detail={"reason": "locked_out", "email": username or ""},
    )


def second_factor_match(*, user: User, token: str) -> Device | None:
    """A six-digit code is checked against the authenticator app, anything else against the
    recovery codes (each works once). Wrong codes slow further tries (django-otp throttling)."""
    token = "".join(token.split()).lower()
    if not token:
        return None
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator of a staff member setting one up; reused across reloads so
    a scanned code keeps working until confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(
    *, device: TOTPDevice, token: str, request: ClientRequest | None = None
) -> list[str] | None:
    """The first correct code confirms the authenticator and issues fresh recovery codes (shown
    once); a wrong code confirms nothing."""
    if device.confirmed or not device.verify_token("".join(token.split())):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    audit_record(
        actor=device.user,
        action=AuditAction.CREATE,
        resource="second_factor",
        channel=AuditChannel.WEB,
        object_uuid=device.user.uuid,
        request=request,
    )
    return recovery_codes_issue(user=device.user, request=request)


@transaction.atomic
def recovery_codes_issue(*, user: User, request: ClientRequest | None = None) -> list[str]:
    """A new set of single-use recovery codes replaces the old set entirely."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes: set[str] = set()
    while len(codes) < settings.RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        resource="recovery_codes",
        channel=AuditChannel.WEB,
        object_uuid=user.uuid,
        request=request,
        detail={"count": len(codes)},
    )
    return sorted(codes)
