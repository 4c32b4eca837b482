from django.urls import path

from workups import views

app_name = "workups"

urlpatterns = [
    path("workups/orders/", views.order_list, name="order-list"),
    path("workups/infant/", views.infant_pick, name="infant-pick"),
    path(
        "workups/orders/from-assessment/",
        views.orders_from_assessment_page,
        name="orders-from-assessment",
    ),
    path("workups/orders/<uuid:order_uuid>/", views.order_detail, name="order-detail"),
    path(
        "workups/orders/<uuid:order_uuid>/transition/",
        views.order_transition_page,
        name="order-transition",
    ),
    path(
        "workups/orders/<uuid:order_uuid>/result/", views.result_create_page, name="result-create"
    ),
    path(
        "workups/infants/<uuid:infant_id>/orders/new/",
        views.order_create_page,
        name="order-create",
    ),
    path("workups/alerts/", views.alert_list, name="alert-list"),
    path(
        "workups/alerts/<uuid:critical_alert_uuid>/acknowledge/",
        views.alert_acknowledge,
        name="alert-acknowledge",
    ),
    path("workups/referrals/", views.referral_list, name="referral-list"),
    path(
        "workups/infants/<uuid:infant_id>/referrals/new/",
        views.referral_create_page,
        name="referral-create",
    ),
    path(
        "workups/referrals/<uuid:referral_uuid>/confirm/",
        views.referral_confirm_page,
        name="referral-confirm",
    ),
    path(
        "workups/appointments/<uuid:appointment_uuid>/confirm/",
        views.appointment_confirm_page,
        name="appointment-confirm",
    ),
    path(
        "workups/appointments/<uuid:appointment_uuid>/outcome/",
        views.appointment_outcome,
        name="appointment-outcome",
    ),
    path("workups/slots/", views.slot_list, name="slot-list"),
    path("workups/slots/<uuid:slot_uuid>/delete/", views.slot_delete_page, name="slot-delete"),
    path("workups/worklist/", views.worklist, name="worklist"),
    path(
        "workups/infants/<uuid:infant_id>/follow-ups/new/",
        views.follow_up_add_page,
        name="follow-up-add",
    ),
    path(
        "workups/follow-ups/<uuid:followup_uuid>/complete/",
        views.follow_up_complete_page,
        name="follow-up-complete",
    ),
    path(
        "workups/follow-ups/<uuid:followup_uuid>/call/",
        views.follow_up_call_page,
        name="follow-up-call",
    ),
    path(
        "workups/follow-ups/<uuid:followup_uuid>/reassign/",
        views.follow_up_reassign_page,
        name="follow-up-reassign",
    ),
    path("portal/appointments/", views.portal_appointments, name="portal-appointments"),
]
