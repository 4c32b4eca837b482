"""Work-ups endpoints, included in the `api` namespace under /api/v1/ by config/api_urls.py."""

from django.urls import path

from workups import apis

urlpatterns = [
    path("orders/", apis.OrderListApi.as_view(), name="order-list"),
    path(
        "orders/from-assessment/",
        apis.OrdersFromAssessmentApi.as_view(),
        name="orders-from-assessment",
    ),
    path(
        "orders/<uuid:order_uuid>/transition/",
        apis.OrderTransitionApi.as_view(),
        name="order-transition",
    ),
    path("orders/<uuid:order_uuid>/result/", apis.ResultCreateApi.as_view(), name="result-create"),
    path("results/", apis.ResultListApi.as_view(), name="result-list"),
    path("critical-alerts/", apis.CriticalAlertListApi.as_view(), name="critical-alert-list"),
    path(
        "critical-alerts/<uuid:critical_alert_uuid>/acknowledge/",
        apis.CriticalAlertAcknowledgeApi.as_view(),
        name="critical-alert-acknowledge",
    ),
    path("referrals/", apis.ReferralListApi.as_view(), name="referral-list"),
    path(
        "referrals/<uuid:referral_uuid>/confirm/",
        apis.ReferralConfirmApi.as_view(),
        name="referral-confirm",
    ),
    path("appointments/", apis.AppointmentListApi.as_view(), name="appointment-list"),
    path(
        "appointments/<uuid:appointment_uuid>/confirm/",
        apis.AppointmentConfirmApi.as_view(),
        name="appointment-confirm",
    ),
    path(
        "appointments/<uuid:appointment_uuid>/outcome/",
        apis.AppointmentOutcomeApi.as_view(),
        name="appointment-outcome",
    ),
    path("follow-ups/", apis.FollowUpListApi.as_view(), name="follow-up-list"),
    path(
        "follow-ups/<uuid:followup_uuid>/complete/",
        apis.FollowUpCompleteApi.as_view(),
        name="follow-up-complete",
    ),
    path(
        "follow-ups/<uuid:followup_uuid>/reassign/",
        apis.FollowUpReassignApi.as_view(),
        name="follow-up-reassign",
    ),
    path("neurology-slots/", apis.SlotListApi.as_view(), name="slot-list"),
    path("neurology-slots/<uuid:slot_uuid>/", apis.SlotDetailApi.as_view(), name="slot-detail"),
]
