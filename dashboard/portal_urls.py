"""The parent portal (namespace `portal`), mounted at /portal/."""

from django.urls import path

from dashboard import portal_views
from episodes import views as episode_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.portal_home, name="home"),
    path("children/<uuid:infant_uuid>/episodes/new/", episode_views.portal_episode_log, name="log"),
    path("episodes/<uuid:episode_uuid>/", portal_views.portal_episode, name="episode"),
]
