"""Staff pages for orders, results, critical alerts, referrals, slots and the nurses' worklist,
and the caregiver's upcoming appointments, one module per lifecycle. Objects are found through the
work-ups selectors, so another clinic's object is a 404; the role check comes after the lookup."""

from workups.views.critical import (
    alert_acknowledge,
    alert_list,
)
from workups.views.follow_ups import (
    follow_up_add_page,
    follow_up_call_page,
    follow_up_complete_page,
    follow_up_reassign_page,
    worklist,
)
from workups.views.orders import (
    infant_pick,
    order_create_page,
    order_detail,
    order_list,
    order_transition_page,
    orders_from_assessment_page,
    result_create_page,
)
from workups.views.portal import (
    portal_appointments,
)
from workups.views.referrals import (
    appointment_confirm_page,
    appointment_outcome,
    referral_confirm_page,
    referral_create_page,
    referral_list,
    slot_delete_page,
    slot_list,
)

__all__ = [
    "alert_acknowledge",
    "alert_list",
    "appointment_confirm_page",
    "appointment_outcome",
    "follow_up_add_page",
    "follow_up_call_page",
    "follow_up_complete_page",
    "follow_up_reassign_page",
    "infant_pick",
    "order_create_page",
    "order_detail",
    "order_list",
    "order_transition_page",
    "orders_from_assessment_page",
    "portal_appointments",
    "referral_confirm_page",
    "referral_create_page",
    "referral_list",
    "result_create_page",
    "slot_delete_page",
    "slot_list",
    "worklist",
]
