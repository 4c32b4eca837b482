"""The project's URLs plus the baselines the benchmarks compare it with (bench/baselines.py)."""

from django.urls import include, path

from bench.baselines import PlainDrfEpisodeList, values_episode_list

urlpatterns = [
    path("bench/drf/episodes/", PlainDrfEpisodeList.as_view()),
    path("bench/values/episodes/", values_episode_list),
    path("", include("config.urls")),
]
