import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinics.models import (
    ApiToken,
    AuditAction,
    AuditChannel,
    AuditEvent,
    Clinic,
    Membership,
    Role,
    User,
)
from clinics.selectors import membership_for


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
    """A staff account with one role in the clinic; clinic admins may use the Django admin."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    else:
        user.set_password(password)
        if full_name:
            user.full_name = full_name
    user.is_staff = user.is_staff or role == Role.CLINIC_ADMIN
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


def _client_address(request) -> str | None:
    # Behind the production proxy the client is the first X-Forwarded-For hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return address or None


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    resource: str,
    channel: AuditChannel,
    clinic: Clinic | None = None,
    infant_uuid=None,
    object_uuid=None,
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Every read or write of an infant's record leaves a row: who, role, clinic, infant, action,
    when and from where. Called inside the caller's transaction, so the row and the change it
    records are committed together."""
    membership = membership_for(actor) if actor is not None else None
    if actor is None or not actor.is_authenticated:
        role = "anonymous"
        actor = None
    else:
        role = membership.role if membership else "caregiver"
    event = AuditEvent(
        actor=actor,
        actor_role=role,
        clinic=clinic or (membership.clinic if membership else None),
        infant_uuid=infant_uuid,
        object_uuid=object_uuid,
        action=action,
        resource=resource,
        channel=channel,
        detail=detail or {},
    )
    if request is not None:
        event.method = request.method[:10]
        event.path = request.get_full_path()[:500]
        event.client_address = _client_address(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    event.save()
    return event
