from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import healthz
from dashboard.views import home

admin.site.site_header = "Tremor Clinic administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("portal/", include("episodes.portal_urls")),
    path("episodes/", include("episodes.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("patients.urls")),
    path("", home, name="home"),
    path("", include("dashboard.urls")),
    path("", include("workups.urls")),
    path("", include("clinics.urls")),
    path("", include("assessments.urls")),
]
