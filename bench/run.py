"""Run every benchmark, print one table, write bench/results.json.

Each row: ``id``, ``figure``, ``value``, ``baseline``, ``ratio``, ``goal``, ``met`` and the
per-round raw figures (``rounds``); bench/rows.py builds them. The goal rows (bench/ratios.py)
are ratios against baselines measured in the same run, interleaved; the information rows
(absolute figures, query counts) have no baseline. A new benchmark is a function returning a
list of rows, added to the list in ``main``.

Before the benchmarks: PostgreSQL and Redis are started if they are not running (as .ci/run does),
the database ``tremor_bench`` is created and migrated if missing, and ``generate_load_data`` fills
it (resumable: a run that finds the data carries on or does nothing), with one 100-infant clinic
beside the network for the dashboard's scale baseline. Redis database 12 holds the broker queue,
the task results and the rate-limit counters of the run. ``BENCH_QUICK=1`` runs a smaller network;
``BENCH_ONLY=api_vs_drf,dashboard_scale`` runs only those benchmarks (by row id prefix or function
name), ``BENCH_ROUNDS`` and ``BENCH_ROUND_SECONDS`` set the rounds.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH_DIR))

BENCH_DB = os.environ.get("BENCH_DB", "tremor_bench")
BENCH_REDIS = "redis://127.0.0.1:6379/12"
QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZE = (
    ["--infants", "10000", "--clinics", "4", "--small-clinic", "100"]
    if QUICK
    else ["--infants", "100000", "--clinics", "20", "--small-clinic", "100"]
)
MEDIA = Path("/tmp") / f"{BENCH_DB}-media"

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
        "CELERY_BROKER_URL": BENCH_REDIS,
        "CELERY_RESULT_BACKEND": BENCH_REDIS,
        "REDIS_URL": BENCH_REDIS,
        "MEDIA_ROOT": str(MEDIA / "media"),
        "VIDEO_UPLOAD_PARTIAL_DIR": str(MEDIA / "partial"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Throttling stays on; the load generator is one client sending thousands of writes.
        "THROTTLE_CAREGIVER_WRITES": "1000000/hour",
        "THROTTLE_UPLOADS": "1000000/hour",
        # The upload benchmark warms four uploads side by side as one caregiver.
        "VIDEO_OPEN_UPLOADS_PER_USER": "100",
    }
)


def sh(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=check, capture_output=True, text=True)


def services_start() -> None:
    """PostgreSQL and Redis on loopback, started here when they are not running."""
    if sh("pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q", check=False).returncode != 0:
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        sh("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
    if sh("redis-cli", "-h", "127.0.0.1", "ping", check=False).returncode != 0:
        os.makedirs("/var/lib/redis", exist_ok=True)
        os.makedirs("/var/log/redis", exist_ok=True)
        sh(
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/bench.log",
        )
    for _ in range(30):
        pg = sh("pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q", check=False).returncode
        redis = sh("redis-cli", "-h", "127.0.0.1", "ping", check=False).returncode
        if pg == 0 and redis == 0:
            return
        time.sleep(1)
    raise RuntimeError("PostgreSQL or Redis did not start")


def database_prepare() -> None:
    exists = sh(
        "psql",
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-tAc",
        f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'",  # noqa: S608 - our own name
        "postgres",
    ).stdout.strip()
    if not exists:
        sh(
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-qc",
            f"CREATE DATABASE {BENCH_DB}",
            "postgres",
        )
    sh("redis-cli", "-n", "12", "flushdb")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True)
    started = time.monotonic()
    subprocess.run(
        [
            *manage,
            "generate_load_data",
            *SIZE,
            "--episodes-per-infant",
            "10",
            "--jobs",
            str(os.cpu_count() or 1),
        ],
        check=True,
    )
    print(f"data ready in {time.monotonic() - started:.0f} s", file=sys.stderr)


def main() -> list[dict]:
    started = time.monotonic()
    services_start()
    database_prepare()

    import django

    django.setup()
    from live import bench_api_info, bench_booking
    from ratios import (
        bench_api_vs_drf,
        bench_assessment_vs_noop,
        bench_dashboard_scale,
        bench_engine_vs_json,
        bench_upload_rss_growth,
        bench_video_accuracy,
        bench_video_realtime,
    )
    from rows import info_row, markdown, table
    from web import bench_query_counts

    benchmarks = [
        bench_api_vs_drf,
        bench_dashboard_scale,
        bench_engine_vs_json,
        bench_upload_rss_growth,
        bench_assessment_vs_noop,
        bench_video_realtime,
        bench_video_accuracy,
        bench_api_info,
        bench_query_counts,
        bench_booking,
    ]
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    if only:
        benchmarks = [b for b in benchmarks if any(name in b.__name__ for name in only)]
    rows = []
    for benchmark in benchmarks:
        print(f"running {benchmark.__name__}...", file=sys.stderr)
        rows += benchmark()
    load_average = os.getloadavg()[0]
    rows.append(
        info_row(
            "info.wall_time_s",
            "make bench wall time s (data generation included; goal < 1500)",
            round(time.monotonic() - started),
            note=f"load average {load_average:.1f} at the end",
        )
    )
    print(table(rows))
    (BENCH_DIR / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    (BENCH_DIR / "results.md").write_text(markdown(rows) + "\n")
    return rows


if __name__ == "__main__":
    main()
