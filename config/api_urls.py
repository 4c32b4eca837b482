"""Version 1 of the REST API, mounted at /api/v1/."""

from django.urls import path

from clinics import apis as clinic_apis
from episodes.api_urls import urlpatterns as episode_urlpatterns

app_name = "api"

urlpatterns = [
    path("", clinic_apis.ApiRootApi.as_view(), name="root"),
    path("auth/token/", clinic_apis.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/current/", clinic_apis.TokenRevokeApi.as_view(), name="auth-token-revoke"),
    path("me/", clinic_apis.MeApi.as_view(), name="me"),
    *episode_urlpatterns,
]
