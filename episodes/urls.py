"""Staff pages for an infant's episodes (namespace `episodes`)."""

from django.urls import path

from episodes import views

app_name = "episodes"

urlpatterns = [
    path("infants/<uuid:infant_uuid>/", views.staff_episode_list, name="list"),
    path("<uuid:episode_uuid>/", views.staff_episode_detail, name="detail"),
]
