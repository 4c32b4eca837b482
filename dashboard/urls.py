from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.dashboard, name="index"),
    path("cases/<uuid:infant_uuid>/", views.case, name="case"),
]
