"""API tokens: issued with their digest stored, revoked one or all, purged when expired."""

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
    User,
)
from clinics.services.audit import audit_record
from clinics.services.common import ClientRequest


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
def api_tokens_purge(*, older_than_days: int = 30) -> int:
    """Tokens expired or revoked for more than `older_than_days` are deleted; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = ApiToken.objects.filter(expires_at__lt=cutoff) | ApiToken.objects.filter(
        revoked_at__lt=cutoff
    )
    deleted, _ = stale.delete()
    return deleted
