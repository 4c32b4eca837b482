"""Run every benchmark, print one table (figure, value, target, ratio), write bench/results.json.

A new benchmark is a function returning a row ``{"figure", "value", "target", "ratio"}`` (or a
list of them), added to ``BENCHMARKS``.

Before the benchmarks: PostgreSQL and Redis are started if they are not running (as .ci/run does),
the database ``tremor_bench`` is created and migrated if missing, and ``generate_load_data`` fills
it (resumable: a run that finds the data carries on or does nothing). Redis database 12 holds the
broker queue and the rate-limit counters of the run. ``BENCH_QUICK=1`` runs a smaller network.
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
    ["--infants", "10000", "--clinics", "4"]
    if QUICK
    else ["--infants", "100000", "--clinics", "20"]
)
MEDIA = Path("/tmp") / f"{BENCH_DB}-media"

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
        "CELERY_BROKER_URL": BENCH_REDIS,
        "REDIS_URL": BENCH_REDIS,
        "MEDIA_ROOT": str(MEDIA / "media"),
        "VIDEO_UPLOAD_PARTIAL_DIR": str(MEDIA / "partial"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Throttling stays on; the load generator is one client sending thousands of writes.
        "THROTTLE_CAREGIVER_WRITES": "1000000/hour",
        "THROTTLE_UPLOADS": "1000000/hour",
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
        [*manage, "generate_load_data", *SIZE, "--episodes-per-infant", "10"], check=True
    )
    print(f"data ready in {time.monotonic() - started:.0f} s", file=sys.stderr)


def main() -> list[dict]:
    started = time.monotonic()
    services_start()
    database_prepare()

    import django

    django.setup()
    from engine import bench_engine
    from live import bench_api, bench_assessment_latency, bench_booking, bench_upload
    from web import bench_dashboard, bench_query_counts

    benchmarks = [
        bench_dashboard,
        bench_api,
        bench_query_counts,
        bench_upload,
        bench_engine,
        bench_assessment_latency,
        bench_booking,
    ]
    rows = []
    for benchmark in benchmarks:
        print(f"running {benchmark.__name__}...", file=sys.stderr)
        result = benchmark()
        rows += result if isinstance(result, list) else [result]
    rows.append(
        {
            "figure": "make bench wall time s (data included)",
            "value": round(time.monotonic() - started),
            "target": 1200,
            "ratio": round(1200 / (time.monotonic() - started), 2),
        }
    )
    width = max(len(row["figure"]) for row in rows)
    print(f"{'figure':<{width}}  {'value':>12}  {'target':>10}  {'ratio':>6}")
    for row in rows:
        value, target, ratio = (str(row[key]) for key in ("value", "target", "ratio"))
        print(f"{row['figure']:<{width}}  {value:>12}  {target:>10}  {ratio:>6}")
    (BENCH_DIR / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    return rows


if __name__ == "__main__":
    main()
