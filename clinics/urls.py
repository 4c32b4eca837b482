from django.urls import path

from clinics import views

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("notifications/", views.notification_list, name="notifications"),
    path(
        "notifications/<uuid:notification_uuid>/read/",
        views.notification_read,
        name="notification-read",
    ),
]
