"""REST endpoints for orders, results, critical alerts, referrals, appointments, follow-ups and
neurology slots, one module per lifecycle. Every object is found through the work-ups selectors
(built on `infants_visible_to`), so another clinic's object is a 404; roles are checked after the
lookup."""

from workups.apis.appointments import (
    AppointmentConfirmApi,
    AppointmentListApi,
    AppointmentOutcomeApi,
    AppointmentOutputSerializer,
)
from workups.apis.common import (
    API,
    visible_infant,
)
from workups.apis.critical import (
    CriticalAlertAcknowledgeApi,
    CriticalAlertListApi,
    CriticalAlertOutputSerializer,
)
from workups.apis.follow_ups import (
    FollowUpCompleteApi,
    FollowUpListApi,
    FollowUpOutputSerializer,
    FollowUpReassignApi,
)
from workups.apis.orders import (
    OrderListApi,
    OrderOutputSerializer,
    OrdersFromAssessmentApi,
    OrderTransitionApi,
)
from workups.apis.referrals import (
    ReferralConfirmApi,
    ReferralListApi,
    ReferralOutputSerializer,
)
from workups.apis.results import (
    ResultCreateApi,
    ResultListApi,
    ResultOutputSerializer,
)
from workups.apis.slots import (
    SlotDetailApi,
    SlotInputSerializer,
    SlotListApi,
    SlotOutputSerializer,
)

__all__ = [
    "API",
    "AppointmentConfirmApi",
    "AppointmentListApi",
    "AppointmentOutcomeApi",
    "AppointmentOutputSerializer",
    "CriticalAlertAcknowledgeApi",
    "CriticalAlertListApi",
    "CriticalAlertOutputSerializer",
    "FollowUpCompleteApi",
    "FollowUpListApi",
    "FollowUpOutputSerializer",
    "FollowUpReassignApi",
    "OrderListApi",
    "OrderOutputSerializer",
    "OrderTransitionApi",
    "OrdersFromAssessmentApi",
    "ReferralConfirmApi",
    "ReferralListApi",
    "ReferralOutputSerializer",
    "ResultCreateApi",
    "ResultListApi",
    "ResultOutputSerializer",
    "SlotDetailApi",
    "SlotInputSerializer",
    "SlotListApi",
    "SlotOutputSerializer",
    "visible_infant",
]
