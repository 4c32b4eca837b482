"""Every write of the work-ups app, one module per lifecycle: one function per operation, one
transaction, the audit row inside it, and messages and tasks only after commit. Callers import
from here; the modules import each other, never this package root."""

from workups.services.appointments import (
    appointment_confirm,
    appointment_outcome_record,
    appointment_reminders_send,
)
from workups.services.critical import (
    critical_alert_acknowledge,
    critical_alert_raise,
    critical_alerts_escalate,
    infants_record_open_critical_alerts,
)
from workups.services.follow_ups import (
    follow_up_add,
    follow_up_call_record,
    follow_up_complete,
    follow_up_ensure,
    follow_up_reassign,
    follow_ups_escalate,
)
from workups.services.keys import KEY_PREFIXES, MANUAL_PREFIX, workup_key
from workups.services.orders import (
    PRIORITY_FOR_TRIAGE,
    infants_record_open_orders,
    order_create,
    order_transition,
    orders_from_assessment,
)
from workups.services.recipients import (
    caregivers_of,
    clinic_staff,
    clinic_zone,
    is_clinic_staff,
    pediatricians_else_admins,
)
from workups.services.referrals import (
    BOOK_REFERRAL_TASK,
    BOOKABLE_REFERRAL_STATUSES,
    follow_up_call_family_now,
    referral_book,
    referral_confirm,
    referral_create,
    referral_deadline,
    referral_escalate,
    referral_transition,
)
from workups.services.results import (
    CLOCK_SKEW,
    EEG_ONLY_INTERPRETATIONS,
    result_interpret,
    result_record,
    results_as_case,
)
from workups.services.slots import slot_create, slot_delete, slot_update
from workups.services.sweeps import (
    SWEEP_REBOOK_AFTER,
    follow_ups_for_missing_video,
    follow_ups_for_overdue_orders,
    follow_ups_for_unconfirmed_appointments,
    follow_ups_sweep,
    infants_with_news_since,
    referrals_rebook,
)

__all__ = [
    "BOOKABLE_REFERRAL_STATUSES",
    "BOOK_REFERRAL_TASK",
    "CLOCK_SKEW",
    "EEG_ONLY_INTERPRETATIONS",
    "KEY_PREFIXES",
    "MANUAL_PREFIX",
    "PRIORITY_FOR_TRIAGE",
    "SWEEP_REBOOK_AFTER",
    "appointment_confirm",
    "appointment_outcome_record",
    "appointment_reminders_send",
    "caregivers_of",
    "clinic_staff",
    "clinic_zone",
    "critical_alert_acknowledge",
    "critical_alert_raise",
    "critical_alerts_escalate",
    "follow_up_add",
    "follow_up_call_family_now",
    "follow_up_call_record",
    "follow_up_complete",
    "follow_up_ensure",
    "follow_up_reassign",
    "follow_ups_escalate",
    "follow_ups_for_missing_video",
    "follow_ups_for_overdue_orders",
    "follow_ups_for_unconfirmed_appointments",
    "follow_ups_sweep",
    "infants_record_open_critical_alerts",
    "infants_record_open_orders",
    "infants_with_news_since",
    "is_clinic_staff",
    "order_create",
    "order_transition",
    "orders_from_assessment",
    "pediatricians_else_admins",
    "referral_book",
    "referral_confirm",
    "referral_create",
    "referral_deadline",
    "referral_escalate",
    "referral_transition",
    "referrals_rebook",
    "result_interpret",
    "result_record",
    "results_as_case",
    "slot_create",
    "slot_delete",
    "slot_update",
    "workup_key",
]
