"""The benchmark server's settings: the project's, with `bench.urls` as the URLconf so the
baseline endpoints (bench/baselines.py) are served by the same gunicorn workers, middleware and
database connection as the project's. Only bench/run.py loads this module."""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
