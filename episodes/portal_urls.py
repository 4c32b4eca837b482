"""The parent portal (namespace `portal`), mounted at /portal/."""

from django.urls import path

from episodes import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("children/<uuid:infant_uuid>/episodes/new/", views.portal_episode_log, name="log"),
    path("episodes/<uuid:episode_uuid>/", views.portal_episode, name="episode"),
]
