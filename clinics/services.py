import hashlib
import ipaddress
import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.request import Request

from clinics.lockout import lockout_client_address
from clinics.models import (
    ApiToken,
    AuditAction,
    AuditChannel,
    AuditEvent,
    Clinic,
    DeniedAccessTally,
    InvitationLink,
    Membership,
    Notification,
    NotificationKind,
    Role,
    StaffInvitation,
    User,
)
from clinics.selectors import account_language, membership_for
from clinics.sms import SmsMessage, sms_backend
from clinics.tasks_dispatch import enqueue_on_commit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# What a service is handed as "where from": a page's request or an API's (DRF's Request wraps
# Django's and answers the same attributes).
ClientRequest = HttpRequest | Request


def token_digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[ApiToken, str]:
    """Issue a new API token; the raw key is returned once and never stored."""
    raw_key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        key_digest=token_digest(raw_key),
        prefix=raw_key[:8],
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS),
    )
    token.full_clean()
    token.save()
    return token, raw_key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """A revoked token stops working on the next request."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


@transaction.atomic
def api_tokens_revoke_all(
    *, user: User, actor: User | None = None, request: ClientRequest | None = None, reason: str = ""
) -> int:
    """Every usable token of the user stops working at once (a lost phone, a changed password);
    returns how many were revoked. The audit row names who did it: `actor`, else the signed-in
    person of the request, else the token owner."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if actor is None:
        signed_in = request.user if request is not None else None
        actor = signed_in if isinstance(signed_in, User) else user
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        resource="api_tokens",
        channel=AuditChannel.WEB,
        object_uuid=user.uuid,
        request=request,
        detail={"revoked": revoked, "reason": reason or "requested"},
    )
    return revoked


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


@transaction.atomic
def clinic_ensure(*, slug: str, name: str, time_zone: str = "UTC") -> Clinic:
    """Create the clinic, or update its name if it already exists."""
    clinic, _ = Clinic.objects.update_or_create(
        slug=slug, defaults={"name": name, "time_zone": time_zone}
    )
    return clinic


@transaction.atomic
def staff_member_ensure(
    *, clinic: Clinic, email: str, role: Role, password: str, full_name: str = ""
) -> Membership:
    """A staff account with one role in the clinic (demo and load data). No role opens the
    Django admin: that is for superusers only."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    else:
        user.set_password(password)
        if full_name:
            user.full_name = full_name
    user.save()
    membership, _ = Membership.objects.update_or_create(
        user=user, clinic=clinic, defaults={"role": role, "is_active": True}
    )
    return membership


@transaction.atomic
def api_tokens_purge(*, older_than_days: int = 30) -> int:
    """Tokens expired or revoked for more than `older_than_days` are deleted; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = ApiToken.objects.filter(expires_at__lt=cutoff) | ApiToken.objects.filter(
        revoked_at__lt=cutoff
    )
    deleted, _ = stale.delete()
    return deleted


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    resource: str,
    channel: AuditChannel,
    clinic: Clinic | None = None,
    infant_uuid: UUID | str | None = None,
    infant_uuids: Iterable[UUID | str] = (),
    object_uuid: UUID | str | None = None,
    request: ClientRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Every read or write of an infant's record leaves a row: who (name, role and clinic as they
    are now, kept as they were), clinic, infant or the infants a list showed, action, when and
    from where. Called inside the caller's transaction, so the row and the change it records
    are committed together."""
    membership = membership_for(actor) if actor is not None else None
    if actor is None or not actor.is_authenticated:
        role = "anonymous"
        actor = None
    else:
        role = membership.role if membership else "caregiver"
    event = AuditEvent(
        actor=actor,
        actor_name=str(actor)[:254] if actor is not None else "",
        actor_role=role,
        actor_clinic_name=membership.clinic.name if membership else "",
        clinic=clinic or (membership.clinic if membership else None),
        infant_uuid=infant_uuid,
        infant_uuids=sorted({str(value) for value in infant_uuids}),
        object_uuid=object_uuid,
        action=action,
        resource=resource,
        channel=channel,
        detail=detail or {},
    )
    if request is not None:
        event.method = (request.method or "")[:10]
        # The path only: a query string can name a child (a search by name or MRN).
        event.path = request.path[:500]
        # The same address the lockout counts: a client-written X-Forwarded-For never counts.
        event.client_address = _ip_address_or_none(lockout_client_address(request))
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    event.save()
    return event


def _ip_address_or_none(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def audit_denied(
    *, actor: User, resource: str, channel: AuditChannel, request: ClientRequest, **row: Any
) -> bool:
    """A refusal leaves a `denied` row, at most `AUDIT_DENIED_ROWS_PER_MINUTE` per person and
    minute; past that it is only counted (DeniedAccessTally), so a probing account cannot push
    the real reads out of the trail. Returns whether a row was written."""
    window = timezone.now().replace(second=0, microsecond=0)
    limit = settings.AUDIT_DENIED_ROWS_PER_MINUTE
    with transaction.atomic():
        tally, _ = DeniedAccessTally.objects.get_or_create(actor=actor, window_start=window)
        written = DeniedAccessTally.objects.filter(pk=tally.pk, written__lt=limit).update(
            written=models.F("written") + 1
        )
        if not written:
            DeniedAccessTally.objects.filter(pk=tally.pk).update(
                counted_only=models.F("counted_only") + 1
            )
            return False
        detail = row.pop("detail", None) or {}
        if tally.written + 1 == limit:
            detail["limit_reached"] = f"further refusals this minute are only counted ({limit})"
        audit_record(
            actor=actor,
            action=AuditAction.DENIED,
            resource=resource,
            channel=channel,
            request=request,
            detail=detail,
            **row,
        )
    return True


def notify(
    *,
    recipients: Iterable[User],
    kind: NotificationKind,
    title: "StrOrPromise",
    body: "StrOrPromise" = "",
    link: str = "",
    clinic: Clinic | None = None,
    infant_uuid: UUID | str | None = None,
    dedupe_key: str = "",
    send_email: bool = True,
    send_sms: bool = False,
) -> list[Notification]:
    """One in-app notification per recipient, delivered by email/SMS after commit. With a
    dedupe_key, a recipient who already had this event is not notified again. A lazy title or
    body (gettext_lazy, format_lazy) is written in each recipient's language."""
    created = []
    for recipient in {r.pk: r for r in recipients}.values():
        if (
            dedupe_key
            and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
        ):
            continue
        with translation.override(account_language(recipient) or settings.LANGUAGE_CODE):
            recipient_title, recipient_body = str(title), str(body)
        notification = Notification(
            recipient=recipient,
            kind=kind,
            title=recipient_title[:200],
            body=recipient_body,
            link=link,
            clinic=clinic,
            infant_uuid=infant_uuid,
            dedupe_key=dedupe_key,
            send_email=send_email,
            send_sms=send_sms,
        )
        notification.full_clean()
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue  # a concurrent run notified this recipient first
        created.append(notification)
        enqueue_on_commit("clinics.notification_deliver", notification_id=notification.pk)
    return created


def notification_deliver(*, notification: Notification) -> Notification:
    """Send the email and text message of a notification, each at most once."""
    link = f"{settings.SITE_URL}{notification.link}" if notification.link else ""
    text = "\n\n".join(part for part in (notification.body, link) if part)
    if notification.send_email and notification.email_sent_at is None:
        send_mail(
            subject=f"[Tremor Clinic] {notification.title}",
            message=text or notification.title,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(email_sent_at=timezone.now())
    if notification.send_sms and notification.sms_sent_at is None and notification.recipient.phone:
        sms_backend().send(
            SmsMessage(to=notification.recipient.phone, body=f"{notification.title} {link}".strip())
        )
        Notification.objects.filter(pk=notification.pk).update(sms_sent_at=timezone.now())
    notification.refresh_from_db()
    return notification


def notifications_pending() -> QuerySet[Notification]:
    return Notification.objects.filter(
        models.Q(send_email=True, email_sent_at__isnull=True)
        | models.Q(send_sms=True, sms_sent_at__isnull=True, recipient__phone__gt="")
    )


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


# Staff management -------------------------------------------------------------------------------

INVITATION_LIFETIME = timedelta(hours=72)


InvitationT = TypeVar("InvitationT", bound=InvitationLink)


class InvitationRefused(Exception):
    """An invitation link that cannot be used; the message tells its holder why."""


def invitation_token_new() -> tuple[str, str, datetime]:
    """A fresh invitation link token: the raw token (for the email only), its digest (stored)
    and when it expires."""
    raw_token = secrets.token_urlsafe(32)
    return raw_token, token_digest(raw_token), timezone.now() + INVITATION_LIFETIME


def invitation_for_link(
    invitations: QuerySet[InvitationT], raw_token: str, *, lock: bool = False
) -> InvitationT:
    """The invitation (caregiver or staff) a link names, or InvitationRefused saying why it
    cannot be used: unknown, withdrawn, spent or expired."""
    if lock:
        # Two tabs accepting the same link at once: the row lock lets exactly one win.
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_digest=token_digest(raw_token)).first()
    if invitation is None:
        raise InvitationRefused(
            gettext("This invitation link is not valid. Ask the clinic for a new one.")
        )
    if invitation.revoked_at is not None:
        raise InvitationRefused(
            gettext(
                "This invitation has been withdrawn by the clinic. Ask the clinic for a new one."
            )
        )
    if invitation.used_at is not None:
        raise InvitationRefused(
            gettext(
                "This invitation link has already been used. Sign in with your email and password."
            )
        )
    if invitation.is_expired:
        raise InvitationRefused(
            gettext(
                "This invitation link has expired (links last 72 hours). Ask the clinic for a new "
                "one."
            )
        )
    return invitation


def invitation_account_create(
    invitation: InvitationLink, *, password: str, full_name: str = ""
) -> User:
    """The account a link creates for a first-time holder (caregiver or staff). An address that
    already has an account is refused: its owner signs in and accepts, so the link alone never
    takes over an account."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationRefused(
            gettext(
                "An account with this email address already exists. Sign in, then open the link "
                "again."
            )
        )
    return User.objects.create_user(email=invitation.email, password=password, full_name=full_name)


def invitation_holder_check(invitation: InvitationLink, *, user: User) -> None:
    """An existing account accepts a link only signed in with the address it was sent to."""
    if user.email.lower() != invitation.email.lower():
        raise InvitationRefused(
            gettext(
                "This invitation was sent to a different email address. Sign out and sign in "
                "with the address the invitation was sent to."
            )
        )


def invitation_spend(invitation: InvitationLink, *, accepted_by: User) -> None:
    """The link works once: it is spent by the account that accepted it."""
    invitation.used_at = timezone.now()
    invitation.accepted_by = accepted_by
    invitation.save(update_fields=["used_at", "accepted_by", "updated_at"])


def invitation_withdraw(invitation: InvitationLink, *, revoked_by: User) -> bool:
    """A pending link is refused from now on; False when it was no longer pending."""
    if not invitation.is_pending:
        return False
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = revoked_by
    invitation.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return True


def invitation_email_on_commit(*, email: str, subject: str, message: str) -> None:
    """The link goes out only once the invitation is committed (a rolled-back one sends none)."""
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
    )


def _require_clinic_admin_of(*, actor: User, clinic: Clinic) -> None:
    """Staff are managed only by an active clinic admin of the same clinic: checked here, in
    the service, so no form, API body or admin page can name another clinic."""
    membership = membership_for(actor)
    if (
        membership is None
        or membership.role != Role.CLINIC_ADMIN
        or membership.clinic_id != clinic.pk
    ):
        raise PermissionDenied("Only a clinic admin of this clinic can manage its staff.")


def _clinic_admins_left(*, clinic: Clinic, without: Membership) -> bool:
    return (
        Membership.objects.active()
        .filter(clinic=clinic, role=Role.CLINIC_ADMIN)
        .exclude(pk=without.pk)
        .exists()
    )


@transaction.atomic
def staff_invitation_send(
    *,
    clinic: Clinic,
    email: str,
    role: Role,
    invited_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> StaffInvitation:
    """A clinic admin invites a person to their own clinic with one role: a single-use link
    valid 72 hours, emailed once committed. A pending invitation of the same address to the
    same clinic is replaced."""
    _require_clinic_admin_of(actor=invited_by, clinic=clinic)
    email = email.strip().lower()
    if Membership.objects.active().filter(clinic=clinic, user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member of the clinic staff."})
    StaffInvitation.objects.pending().filter(clinic=clinic, email__iexact=email).update(
        revoked_at=timezone.now(), revoked_by=invited_by, updated_at=timezone.now()
    )
    raw_token, digest, expires_at = invitation_token_new()
    invitation = StaffInvitation(
        clinic=clinic,
        email=email,
        role=role,
        token_digest=digest,
        expires_at=expires_at,
        invited_by=invited_by,
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=invited_by,
        action=AuditAction.CREATE,
        resource="staff_invitation",
        clinic=clinic,
        object_uuid=invitation.uuid,
        request=request,
        channel=channel,
        detail={"role": role, "email": email},
    )
    link = settings.SITE_URL.rstrip("/") + reverse(
        "staff-invitation-accept", kwargs={"token": raw_token}
    )
    invitation_email_on_commit(
        email=email,
        subject=f"{clinic.name}: you are invited to join the clinic staff",
        message=(
            f"{clinic.name} has invited you to Tremor Clinic as {Role(role).label}.\n\n"
            f"Open this link within 72 hours to accept:\n{link}\n\n"
            "You will choose a password (or sign in, if you already have an account) and "
            "set up an authenticator app. The link works once. If you did not expect this "
            "email, ignore it."
        ),
    )
    return invitation


def staff_invitation_for_token(raw_token: str, *, lock: bool = False) -> StaffInvitation:
    """The staff invitation a link names, or InvitationRefused saying why it cannot be used."""
    return invitation_for_link(
        StaffInvitation.objects.select_related("clinic"), raw_token, lock=lock
    )


def _staff_invitation_use(
    *,
    invitation: StaffInvitation,
    user: User,
    request: ClientRequest | None,
    channel: AuditChannel,
) -> Membership:
    membership = Membership.objects.filter(user=user, clinic=invitation.clinic).first()
    if membership is None:
        membership = Membership(user=user, clinic=invitation.clinic)
    membership.role = invitation.role
    membership.is_active = True
    membership.full_clean()
    membership.save()
    invitation_spend(invitation, accepted_by=user)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        resource="membership",
        clinic=invitation.clinic,
        object_uuid=membership.uuid,
        request=request,
        channel=channel,
        detail={"role": invitation.role, "invitation": str(invitation.uuid)},
    )
    return membership


@transaction.atomic
def staff_invitation_accept_new_account(
    *,
    raw_token: str,
    password: str,
    full_name: str = "",
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> User:
    """A first-time staff member sets a password; the account and the membership are created
    together and the link is spent. The second factor is enrolled at the first sign-in."""
    invitation = staff_invitation_for_token(raw_token, lock=True)
    user = invitation_account_create(invitation, password=password, full_name=full_name)
    _staff_invitation_use(invitation=invitation, user=user, request=request, channel=channel)
    return user


@transaction.atomic
def staff_invitation_accept_existing_account(
    *,
    raw_token: str,
    user: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Membership:
    """An existing account joins the clinic only once its owner has signed in with the invited
    email address: the link alone never gives an account a role."""
    invitation = staff_invitation_for_token(raw_token, lock=True)
    invitation_holder_check(invitation, user=user)
    return _staff_invitation_use(invitation=invitation, user=user, request=request, channel=channel)


@transaction.atomic
def staff_invitation_revoke(
    *,
    invitation: StaffInvitation,
    revoked_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> StaffInvitation:
    """A withdrawn staff invitation's link is refused from then on."""
    _require_clinic_admin_of(actor=revoked_by, clinic=invitation.clinic)
    if invitation_withdraw(invitation, revoked_by=revoked_by):
        audit_record(
            actor=revoked_by,
            action=AuditAction.UPDATE,
            resource="staff_invitation",
            clinic=invitation.clinic,
            object_uuid=invitation.uuid,
            request=request,
            channel=channel,
            detail={"revoked": True},
        )
    return invitation


@transaction.atomic
def membership_role_change(
    *,
    membership: Membership,
    role: Role,
    changed_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Membership:
    """A clinic admin changes a colleague's role in their own clinic; the clinic always keeps
    one active clinic admin."""
    _require_clinic_admin_of(actor=changed_by, clinic=membership.clinic)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    previous = membership.role
    if previous == role:
        return membership
    if previous == Role.CLINIC_ADMIN and not _clinic_admins_left(
        clinic=membership.clinic, without=membership
    ):
        raise ValidationError({"role": "The clinic needs at least one active clinic admin."})
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=changed_by,
        action=AuditAction.UPDATE,
        resource="membership",
        clinic=membership.clinic,
        object_uuid=membership.uuid,
        request=request,
        channel=channel,
        detail={"role": {"from": previous, "to": role}},
    )
    return membership


def _sessions_end(*, user: User) -> int:
    """Delete every stored session of the user (database sessions); returns how many."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def membership_deactivate(
    *,
    membership: Membership,
    deactivated_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Membership:
    """A clinic admin ends a colleague's membership of their own clinic: the person's sessions
    end and their API tokens stop working at once. An admin cannot remove themselves, and the
    clinic always keeps one active clinic admin."""
    _require_clinic_admin_of(actor=deactivated_by, clinic=membership.clinic)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not membership.is_active:
        return membership
    if membership.user_id == deactivated_by.pk:
        raise ValidationError("You cannot deactivate your own membership.")
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    sessions = _sessions_end(user=membership.user)
    tokens = api_tokens_revoke_all(
        user=membership.user,
        actor=deactivated_by,
        request=request,
        reason="membership_deactivated",
    )
    audit_record(
        actor=deactivated_by,
        action=AuditAction.UPDATE,
        resource="membership",
        clinic=membership.clinic,
        object_uuid=membership.uuid,
        request=request,
        channel=channel,
        detail={"is_active": False, "sessions_ended": sessions, "tokens_revoked": tokens},
    )
    return membership


def notifications_settle(*, dedupe_key_prefix: str) -> int:
    """An alert someone has answered no longer waits in anyone's notifications: every unread
    notification of that event (and of its escalations) is marked read."""
    return Notification.objects.filter(
        dedupe_key__startswith=dedupe_key_prefix, read_at__isnull=True
    ).update(read_at=timezone.now(), updated_at=timezone.now())
