from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from config.metrics import metrics
from dashboard.views import home

admin.site.site_header = "Tremor Clinic administration"
handler500 = "config.health.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    # One sign-in page, with the lockout and the second factor, for the admin too.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    # Our page also revokes the API tokens when the password changes.
    path("admin/password_change/", RedirectView.as_view(pattern_name="account-security")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("fhir/", include("interop.urls")),
    path("portal/", include("dashboard.portal_urls")),
    path("episodes/", include("episodes.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("", include("patients.urls")),
    path("", home, name="home"),
    path("", include("dashboard.urls")),
    path("", include("workups.urls")),
    path("", include("clinics.urls")),
    path("", include("assessments.urls")),
]
