"""The one spelling of the keys that make work-up side effects happen once: a follow-up task's
`source_key` (unique) and a notification's `dedupe_key`. Stored rows hold these strings, so a
spelling never changes; a new kind of key is a new `step` here, never an f-string elsewhere."""

from uuid import uuid4

from assessments.models import Assessment
from clinics.models import BaseModel
from workups.models import Appointment, CriticalAlert, FollowUpTask, Referral, TestOrder

KEY_PREFIXES: dict[type[BaseModel], str] = {
    TestOrder: "order",
    Appointment: "appointment",
    Assessment: "assessment",
    Referral: "referral",
    CriticalAlert: "critical-alert",
    FollowUpTask: "follow-up",
}
MANUAL_PREFIX = "manual"


def workup_key(subject: BaseModel | None, step: str = "") -> str:
    """`<kind>:<uuid>:<step>` for what the key is about; with no step, the prefix every key of that
    subject starts with (to settle them all); with no subject, a fresh key for a task a clinician
    adds by hand."""
    if subject is None:
        return f"{MANUAL_PREFIX}:{uuid4()}"
    return f"{KEY_PREFIXES[type(subject)]}:{subject.uuid}:{step}"
