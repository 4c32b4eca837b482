from django.urls import path

from clinics import views

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/verify/", views.second_factor_verify, name="otp-verify"),
    path("accounts/second-factor/", views.second_factor_setup, name="otp-setup"),
    path("accounts/security/", views.account_security, name="account-security"),
    path("accounts/language/", views.account_language, name="account-language"),
    path("notifications/", views.notification_list, name="notifications"),
    path(
        "notifications/<uuid:notification_uuid>/read/",
        views.notification_read,
        name="notification-read",
    ),
    path("clinic/staff/", views.staff_list, name="staff-list"),
    path("clinic/staff/<uuid:membership_uuid>/", views.membership_detail, name="staff-detail"),
    path(
        "clinic/staff/invitations/<uuid:staff_invitation_uuid>/withdraw/",
        views.staff_invitation_withdraw,
        name="staff-invitation-withdraw",
    ),
    path(
        "staff-invitations/<str:token>/",
        views.staff_invitation_accept,
        name="staff-invitation-accept",
    ),
]
