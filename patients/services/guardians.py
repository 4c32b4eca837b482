"""Caregivers linked to and unlinked from an infant, invited by link, and their phone number."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinics.models import AuditAction, AuditChannel, User
from clinics.services import (
    ClientRequest,
    invitation_account_create,
    invitation_email_on_commit,
    invitation_for_link,
    invitation_holder_check,
    invitation_spend,
    invitation_token_new,
    invitation_withdraw,
)
from patients.models import (
    Guardianship,
    Infant,
    Invitation,
)
from patients.services.infants import infant_record_audit


@transaction.atomic
def guardianship_link(
    *,
    infant: Infant,
    caregiver: User,
    relationship: str,
    linked_by: User | None,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Guardianship:
    """Link a caregiver to an infant; an existing active link is returned, not duplicated."""
    existing = Guardianship.objects.active().filter(infant=infant, caregiver=caregiver).first()
    if existing is not None:
        return existing
    guardianship = Guardianship(
        infant=infant, caregiver=caregiver, relationship=relationship, created_by=linked_by
    )
    guardianship.full_clean()
    guardianship.save()
    infant_record_audit(
        actor=linked_by,
        action=AuditAction.CREATE,
        resource="guardianship",
        channel=channel,
        infant=infant,
        object_uuid=guardianship.uuid,
        request=request,
    )
    return guardianship


@transaction.atomic
def guardianship_revoke(
    *,
    guardianship: Guardianship,
    revoked_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Guardianship:
    """Revoking takes effect on the caregiver's next request, API tokens included; pending
    invitations of the same person to the same infant are withdrawn with it."""
    pending = Invitation.objects.pending().filter(
        infant=guardianship.infant, email__iexact=guardianship.caregiver.email
    )
    for invitation in pending:
        invitation_revoke(
            invitation=invitation, revoked_by=revoked_by, request=request, channel=channel
        )
    if guardianship.revoked_at is None:
        guardianship.revoked_at = timezone.now()
        guardianship.revoked_by = revoked_by
        guardianship.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        infant_record_audit(
            actor=revoked_by,
            action=AuditAction.UPDATE,
            resource="guardianship",
            channel=channel,
            infant=guardianship.infant,
            object_uuid=guardianship.uuid,
            request=request,
            detail={"revoked": True},
        )
    return guardianship


def _invitation_link(raw_token: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + reverse(
        "patients:invitation-accept", kwargs={"token": raw_token}
    )


@transaction.atomic
def invitation_send(
    *,
    infant: Infant,
    email: str,
    relationship: str,
    invited_by: User,
    phone: str = "",
    language: str = "",
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Invitation:
    """Invite a caregiver by email: a single-use link valid for 72 hours. Only the token's digest
    is stored; the email goes out once the invitation is committed, in the caregiver's language
    if staff gave it. The phone number given is the one the nurses will call."""
    email = email.strip().lower()
    if Guardianship.objects.active().filter(infant=infant, caregiver__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a caregiver of this infant."})
    raw_token, digest, expires_at = invitation_token_new()
    invitation = Invitation(
        infant=infant,
        email=email,
        phone=phone.strip(),
        language=language,
        relationship=relationship,
        token_digest=digest,
        expires_at=expires_at,
        invited_by=invited_by,
    )
    invitation.full_clean()
    invitation.save()
    infant_record_audit(
        actor=invited_by,
        action=AuditAction.CREATE,
        resource="invitation",
        channel=channel,
        infant=infant,
        object_uuid=invitation.uuid,
        request=request,
    )
    names = {"clinic": infant.clinic.name, "link": _invitation_link(raw_token)}
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        subject = _("{clinic}: you are invited to follow your child's care").format(**names)
        message = _(
            "{clinic} has invited you to log your child's episodes and follow their care.\n\n"
            "Open this link within 72 hours to accept:\n{link}\n\n"
            "If you already have an account, sign in with this email address when asked. "
            "The link works once. If you did not expect this email, ignore it."
        ).format(**names)
    invitation_email_on_commit(email=email, subject=subject, message=message)
    return invitation


def invitation_for_token(raw_token: str, *, lock: bool = False) -> Invitation:
    """The invitation a link names, or InvitationRefused saying why it cannot be used."""
    return invitation_for_link(
        Invitation.objects.select_related("infant__clinic"), raw_token, lock=lock
    )


def _invitation_use(
    *,
    invitation: Invitation,
    caregiver: User,
    request: ClientRequest | None,
    channel: AuditChannel,
) -> Guardianship:
    guardianship = guardianship_link(
        infant=invitation.infant,
        caregiver=caregiver,
        relationship=invitation.relationship,
        linked_by=invitation.invited_by,
        request=request,
        channel=channel,
    )
    invitation_spend(invitation, accepted_by=caregiver)
    if invitation.phone and not caregiver.phone:
        caregiver.phone = invitation.phone
        caregiver.save(update_fields=["phone"])
    if invitation.language and not caregiver.language:
        caregiver.language = invitation.language
        caregiver.save(update_fields=["language"])
    return guardianship


@transaction.atomic
def caregiver_phone_update(
    *,
    guardianship: Guardianship,
    phone: str,
    updated_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> User:
    """Staff keep a caregiver's phone number right (a wrong number found on a call)."""
    caregiver = guardianship.caregiver
    caregiver.phone = phone.strip()
    caregiver.full_clean(validate_unique=False, exclude=["password"])
    caregiver.save(update_fields=["phone"])
    infant_record_audit(
        actor=updated_by,
        action=AuditAction.UPDATE,
        resource="caregiver",
        channel=channel,
        infant=guardianship.infant,
        object_uuid=guardianship.uuid,
        request=request,
        detail={"phone": "changed"},
    )
    return caregiver


@transaction.atomic
def invitation_accept_new_account(
    *,
    raw_token: str,
    password: str,
    full_name: str = "",
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> User:
    """A first-time caregiver sets a password; the account and the guardianship are created
    together and the link is spent."""
    invitation = invitation_for_token(raw_token, lock=True)
    caregiver = invitation_account_create(invitation, password=password, full_name=full_name)
    _invitation_use(invitation=invitation, caregiver=caregiver, request=request, channel=channel)
    return caregiver


@transaction.atomic
def invitation_accept_existing_account(
    *,
    raw_token: str,
    caregiver: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Guardianship:
    """An existing account is linked, never duplicated, and only once its owner has signed in
    with the invited email address: the link alone never attaches a child to an account."""
    invitation = invitation_for_token(raw_token, lock=True)
    invitation_holder_check(invitation, user=caregiver)
    return _invitation_use(
        invitation=invitation, caregiver=caregiver, request=request, channel=channel
    )


@transaction.atomic
def invitation_revoke(
    *,
    invitation: Invitation,
    revoked_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> Invitation:
    """A withdrawn invitation's link is refused from then on."""
    if invitation_withdraw(invitation, revoked_by=revoked_by):
        infant_record_audit(
            actor=revoked_by,
            action=AuditAction.UPDATE,
            resource="invitation",
            channel=channel,
            infant=invitation.infant,
            object_uuid=invitation.uuid,
            request=request,
            detail={"revoked": True},
        )
    return invitation
