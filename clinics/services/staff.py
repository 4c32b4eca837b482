"""Staff management: a clinic and its members set up, staff invitations, role changes and
deactivation."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clinics.models import (
    AuditAction,
    AuditChannel,
    Clinic,
    Membership,
    Role,
    StaffInvitation,
    User,
)
from clinics.selectors import membership_for
from clinics.services.audit import audit_record
from clinics.services.common import ClientRequest
from clinics.services.invitations import (
    invitation_account_create,
    invitation_email_on_commit,
    invitation_for_link,
    invitation_holder_check,
    invitation_spend,
    invitation_token_new,
    invitation_withdraw,
)
from clinics.services.tokens import api_tokens_revoke_all


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
