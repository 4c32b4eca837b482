"""The steps every invitation link shares: its token, lookup, account, holder check and use."""

import secrets
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from clinics.models import (
    InvitationLink,
    User,
)
from clinics.services.tokens import token_digest

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
