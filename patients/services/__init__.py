"""Patient services by lifecycle: infants (registered, updated, audited, re-assessed, standing),
guardians (links, invitations, phone) and development (milestones, overrides). Callers import
from here."""

from patients.services.development import (
    infant_development_override,
    milestone_record,
)
from patients.services.guardians import (
    caregiver_phone_update,
    guardianship_link,
    guardianship_revoke,
    invitation_accept_existing_account,
    invitation_accept_new_account,
    invitation_for_token,
    invitation_revoke,
    invitation_send,
)
from patients.services.infants import (
    ASSESS_INFANT_TASK,
    CLINICIAN_REQUEST,
    DEVELOPMENT_CHANGE,
    ENGINE_INFANT_FIELDS,
    INFANT_FIELDS,
    NEW_EPISODE,
    RECORD_CHANGE,
    STANDING_FIELDS,
    birth_datetime,
    infant_read_record,
    infant_record_audit,
    infant_record_standing,
    infant_register,
    infant_request_assessment,
    infant_update,
)

__all__ = [
    "ASSESS_INFANT_TASK",
    "CLINICIAN_REQUEST",
    "DEVELOPMENT_CHANGE",
    "ENGINE_INFANT_FIELDS",
    "INFANT_FIELDS",
    "NEW_EPISODE",
    "RECORD_CHANGE",
    "STANDING_FIELDS",
    "birth_datetime",
    "caregiver_phone_update",
    "guardianship_link",
    "guardianship_revoke",
    "infant_development_override",
    "infant_read_record",
    "infant_record_audit",
    "infant_record_standing",
    "infant_register",
    "infant_request_assessment",
    "infant_update",
    "invitation_accept_existing_account",
    "invitation_accept_new_account",
    "invitation_for_token",
    "invitation_revoke",
    "invitation_send",
    "milestone_record",
]
