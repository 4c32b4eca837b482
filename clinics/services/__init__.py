"""Every write of the clinics app, one module per concern: API tokens, accounts and sign-in,
audit rows, notifications, invitation links, and staff and memberships. Callers import from here;
the modules import each other, never this package root."""

from clinics.services.accounts import (
    account_language_set,
    logger,
    recovery_codes_issue,
    second_factor_match,
    sign_in_lockout_record,
    totp_enrolment_confirm,
    totp_enrolment_start,
    user_password_change,
)
from clinics.services.audit import (
    audit_denied,
    audit_record,
)
from clinics.services.common import (
    ClientRequest,
)
from clinics.services.invitations import (
    INVITATION_LIFETIME,
    InvitationRefused,
    InvitationT,
    invitation_account_create,
    invitation_email_on_commit,
    invitation_for_link,
    invitation_holder_check,
    invitation_spend,
    invitation_token_new,
    invitation_withdraw,
)
from clinics.services.notifications import (
    notification_deliver,
    notification_mark_read,
    notifications_pending,
    notifications_settle,
    notify,
)
from clinics.services.staff import (
    clinic_ensure,
    membership_deactivate,
    membership_role_change,
    staff_invitation_accept_existing_account,
    staff_invitation_accept_new_account,
    staff_invitation_for_token,
    staff_invitation_revoke,
    staff_invitation_send,
    staff_member_ensure,
)
from clinics.services.tokens import (
    api_token_issue,
    api_token_revoke,
    api_tokens_purge,
    api_tokens_revoke_all,
    token_digest,
)

__all__ = [
    "INVITATION_LIFETIME",
    "ClientRequest",
    "InvitationRefused",
    "InvitationT",
    "account_language_set",
    "api_token_issue",
    "api_token_revoke",
    "api_tokens_purge",
    "api_tokens_revoke_all",
    "audit_denied",
    "audit_record",
    "clinic_ensure",
    "invitation_account_create",
    "invitation_email_on_commit",
    "invitation_for_link",
    "invitation_holder_check",
    "invitation_spend",
    "invitation_token_new",
    "invitation_withdraw",
    "logger",
    "membership_deactivate",
    "membership_role_change",
    "notification_deliver",
    "notification_mark_read",
    "notifications_pending",
    "notifications_settle",
    "notify",
    "recovery_codes_issue",
    "second_factor_match",
    "sign_in_lockout_record",
    "staff_invitation_accept_existing_account",
    "staff_invitation_accept_new_account",
    "staff_invitation_for_token",
    "staff_invitation_revoke",
    "staff_invitation_send",
    "staff_member_ensure",
    "token_digest",
    "totp_enrolment_confirm",
    "totp_enrolment_start",
    "user_password_change",
]
