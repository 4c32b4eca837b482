"""Work-ups: test orders and their results, the critical-value loop, neurology referrals booked
into slots, and the nurse's follow-up tasks."""

from workups.models.appointments import (
    OUTCOMES,
    Appointment,
    AppointmentQuerySet,
    AppointmentStatus,
)
from workups.models.critical import (
    CriticalAlert,
    CriticalAlertEscalation,
    CriticalAlertQuerySet,
    EscalationLevel,
)
from workups.models.events import (
    StatusEvent,
)
from workups.models.follow_ups import (
    CALL_SCRIPTS,
    CLOSING_OUTCOMES,
    PRIORITY_RANK,
    CallScript,
    FollowUpAttempt,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpQuerySet,
    FollowUpStatus,
    FollowUpTask,
)
from workups.models.orders import (
    MG_DL_OR_MMOL_L,
    NORMAL_OR_ABNORMAL_STUDIES,
    OPEN_ORDER_STATUSES,
    ORDER_FOR_ENGINE_CODE,
    ORDER_TRANSITIONS,
    TEST_CATALOGUE,
    OrderedTest,
    OrderEvent,
    OrderStatus,
    Priority,
    TestOrder,
    TestOrderQuerySet,
    TestSpec,
)
from workups.models.referrals import (
    EMERGENCY_INSTRUCTION,
    REFERRAL_START_STATUSES,
    REFERRAL_TRANSITIONS,
    URGENCY_FOR_TRIAGE,
    Referral,
    ReferralEvent,
    ReferralQuerySet,
    ReferralStatus,
    ReferralUrgency,
)
from workups.models.results import (
    Result,
    ResultFlag,
    ResultQuerySet,
    StudyInterpretation,
)
from workups.models.slots import (
    NeurologySlot,
)

__all__ = [
    "CALL_SCRIPTS",
    "CLOSING_OUTCOMES",
    "EMERGENCY_INSTRUCTION",
    "MG_DL_OR_MMOL_L",
    "NORMAL_OR_ABNORMAL_STUDIES",
    "OPEN_ORDER_STATUSES",
    "ORDER_FOR_ENGINE_CODE",
    "ORDER_TRANSITIONS",
    "OUTCOMES",
    "PRIORITY_RANK",
    "REFERRAL_START_STATUSES",
    "REFERRAL_TRANSITIONS",
    "TEST_CATALOGUE",
    "URGENCY_FOR_TRIAGE",
    "Appointment",
    "AppointmentQuerySet",
    "AppointmentStatus",
    "CallScript",
    "CriticalAlert",
    "CriticalAlertEscalation",
    "CriticalAlertQuerySet",
    "EscalationLevel",
    "FollowUpAttempt",
    "FollowUpKind",
    "FollowUpOutcome",
    "FollowUpQuerySet",
    "FollowUpStatus",
    "FollowUpTask",
    "NeurologySlot",
    "OrderEvent",
    "OrderStatus",
    "OrderedTest",
    "Priority",
    "Referral",
    "ReferralEvent",
    "ReferralQuerySet",
    "ReferralStatus",
    "ReferralUrgency",
    "Result",
    "ResultFlag",
    "ResultQuerySet",
    "StatusEvent",
    "StudyInterpretation",
    "TestOrder",
    "TestOrderQuerySet",
    "TestSpec",
]
