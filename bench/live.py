"""Figures that need real processes: the API under gunicorn with 2 workers and a threaded load
generator on loopback, a 1 GiB tus upload with the worker's memory watched, episode-to-assessment
latency through a Celery worker on Redis, and referral booking with 2 worker processes."""

import http.client
import itertools
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import threading
import time
from base64 import b64encode
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone
from web import BENCH_CLINIC, percentile, staff_of

from assessments.models import Assessment
from clinics.models import Role
from clinics.services import api_token_issue
from episodes.services import episode_log
from patients.models import Guardianship, Infant
from workups.models import NeurologySlot, Referral, ReferralStatus, ReferralUrgency
from workups.services import referral_book

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
API_TARGET_P95_MS = 50
API_TARGET_READS_PER_S = 300
UPLOAD_BYTES = 1024**3
UPLOAD_TARGET_GROWTH_MB = 100
ASSESSMENT_TARGET_P95_MS = 500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn config.wsgi -w 2` on a free loopback port, for the length of a `with`."""

    def __init__(self, workers: int = 2):
        self.port = free_port()
        self.workers = workers

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "600",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = request(self.port, "GET", "/healthz")
                if status in (200, 503) and len(self.worker_pids()) == self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def request(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def load(port: int, make_request, *, seconds: float, concurrency: int) -> dict:
    """Run `make_request(n) -> (method, path, body, headers)` from `concurrency` threads for
    `seconds`; requests/s, p50 and p95 in ms; any non-2xx answer is an error."""
    latencies: list[float] = []
    errors: list[int] = []
    counter = itertools.count()
    stop = time.monotonic() + seconds

    def run():
        while time.monotonic() < stop:
            method, path, body, headers = make_request(next(counter))
            started = time.perf_counter()
            status, _ = request(port, method, path, body, headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if not 200 <= status < 300:
                errors.append(status)

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "errors": len(errors),
        "statuses": sorted(set(errors)),
    }


def _api_rows(name: str, result: dict, *, reads: bool) -> list[dict]:
    suffix = f" [{result['errors']} errors {result['statuses']}]" if result["errors"] else ""
    rows = [
        {
            "figure": f"API {name} p95 ms{suffix}",
            "value": round(result["p95"], 1),
            "target": API_TARGET_P95_MS,
            "ratio": round(API_TARGET_P95_MS / result["p95"], 2),
        },
        {
            "figure": f"API {name} requests/s",
            "value": round(result["rps"]),
            "target": API_TARGET_READS_PER_S if reads else "",
            "ratio": round(result["rps"] / API_TARGET_READS_PER_S, 2) if reads else "",
        },
    ]
    return rows


def bench_api(seconds: float = 10, concurrency: int = 4) -> list[dict]:
    doctor = staff_of(Role.PEDIATRICIAN)
    _, staff_key = api_token_issue(user=doctor)
    staff_headers = {"Authorization": f"Token {staff_key}"}
    infants = list(
        Infant.objects.filter(clinic__slug=BENCH_CLINIC)
        .order_by("id")
        .values_list("uuid", flat=True)
    )
    rng = random.Random(7)
    names = list(
        Infant.objects.filter(clinic__slug=BENCH_CLINIC).values_list("family_name", flat=True)[:500]
    )
    searches = [rng.choice(names)[:4] for _ in range(200)] + [f"L000-{n:06d}" for n in range(50)]
    guardianships = list(
        Guardianship.objects.filter(infant__clinic__slug=BENCH_CLINIC)
        .select_related("caregiver", "infant")
        .order_by("id")[:200]
    )
    caregivers = [(api_token_issue(user=g.caregiver)[1], g.infant.uuid) for g in guardianships]
    rows = []
    with Gunicorn() as server:
        for path in ("/api/v1/infants/?search=Mara", f"/api/v1/episodes/?infant={infants[0]}"):
            status, body = request(server.port, "GET", path, headers=staff_headers)
            assert status == 200, (path, status, body[:300])

        def search(n):
            return (
                "GET",
                f"/api/v1/infants/?search={searches[n % len(searches)]}",
                None,
                staff_headers,
            )

        def episode_list(n):
            return (
                "GET",
                f"/api/v1/episodes/?infant={infants[n % len(infants)]}",
                None,
                staff_headers,
            )

        def episode_post(n):
            key, infant = caregivers[n % len(caregivers)]
            body = json.dumps(
                {
                    "infant": str(infant),
                    "started_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
                    "duration_s": 20,
                    "state": "awake_crying_or_handled",
                    "movement_type": "fine_tremor",
                    "stops_with_gentle_restraint": "yes",
                }
            )
            headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
            return "POST", "/api/v1/episodes/", body, headers

        for name, make, reads in (
            ("GET /infants/?search=", search, True),
            ("GET /episodes/?infant=", episode_list, True),
            ("POST /episodes/ (caregiver)", episode_post, False),
        ):
            load(server.port, make, seconds=1, concurrency=concurrency)  # warm both workers
            result = load(server.port, make, seconds=seconds, concurrency=concurrency)
            rows += _api_rows(name, result, reads=reads)
    return rows


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class _VideoBytes:
    """A 1 GiB body read in chunks: an MP4 signature, then zeros (never held in memory)."""

    HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 8168

    def __init__(self, size: int):
        self.remaining = size
        self.first = True

    def read(self, amount: int = 1024 * 1024) -> bytes:
        if self.remaining <= 0:
            return b""
        if self.first:
            self.first = False
            chunk = self.HEAD
        else:
            chunk = bytes(min(amount, self.remaining))
        chunk = chunk[: self.remaining]
        self.remaining -= len(chunk)
        return chunk


def bench_upload() -> list[dict]:
    guardianship = (
        Guardianship.objects.filter(infant__clinic__slug=BENCH_CLINIC)
        .select_related("caregiver", "infant")
        .order_by("-id")
        .first()
    )
    _, key = api_token_issue(user=guardianship.caregiver)
    episode = episode_log(
        infant=guardianship.infant,
        reported_by=guardianship.caregiver,
        started_at=timezone.now() - timedelta(hours=1),
        movement_type="fine_tremor",
    )
    auth = {"Authorization": f"Token {key}", "Tus-Resumable": "1.0.0"}
    metadata = ",".join(
        f"{name} {b64encode(value.encode()).decode()}"
        for name, value in (("episode", str(episode.uuid)), ("filename", "bench.mp4"))
    )
    with Gunicorn() as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        conn.request(
            "POST",
            "/api/v1/uploads/",
            headers={**auth, "Upload-Length": str(UPLOAD_BYTES), "Upload-Metadata": metadata},
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 201, response.status
        location = response.getheader("Location")
        conn.close()
        pids = server.worker_pids()
        baseline = {pid: _rss_kb(pid, "VmRSS") for pid in pids}
        peak = dict(baseline)
        done = threading.Event()

        def watch():
            while not done.is_set():
                for pid in pids:
                    peak[pid] = max(peak[pid], _rss_kb(pid, "VmRSS"))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        conn.request(
            "PATCH",
            location,
            body=_VideoBytes(UPLOAD_BYTES),
            headers={
                **auth,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": "0",
                "Content-Length": str(UPLOAD_BYTES),
            },
            encode_chunked=False,
        )
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        done.set()
        watcher.join()
        hwm_growth = max(_rss_kb(pid, "VmHWM") - baseline[pid] for pid in pids)
        conn.close()
        assert response.status == 204, response.status
    growth_mb = max(max(peak[pid] - baseline[pid] for pid in pids), hwm_growth, 0) / 1024
    return [
        {
            "figure": "1 GiB tus upload: seconds",
            "value": round(elapsed, 1),
            "target": "",
            "ratio": "",
        },
        {
            "figure": "1 GiB tus upload: web worker memory growth MB",
            "value": round(growth_mb, 1),
            "target": UPLOAD_TARGET_GROWTH_MB,
            "ratio": round(UPLOAD_TARGET_GROWTH_MB / max(growth_mb, 0.1), 2),
        },
    ]


def bench_assessment_latency(episodes: int = 40) -> list[dict]:
    """Episode logged (committed) -> assessment stored, through `celery worker -P solo`. The
    queue is emptied first: the API benchmark's episodes left one nudge each."""
    subprocess.run(["redis-cli", "-n", "12", "flushdb"], check=True, capture_output=True)
    worker = subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "config", "worker", "-P", "solo", "--loglevel", "warning"],
        cwd=ROOT,
        env=os.environ,
    )
    try:
        guardianships = list(
            Guardianship.objects.filter(infant__clinic__slug="load-001")
            .select_related("caregiver", "infant")
            .order_by("id")[: episodes + 5]
        )
        latencies = []
        for n, guardianship in enumerate(guardianships):
            infant = guardianship.infant
            before = Assessment.objects.filter(infant=infant).order_by("-id").values("id").first()
            started = time.perf_counter()
            episode_log(
                infant=infant,
                reported_by=guardianship.caregiver,
                started_at=timezone.now() - timedelta(minutes=10),
                movement_type="fine_tremor",
                state="awake_crying_or_handled",
            )
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                latest = (
                    Assessment.objects.filter(infant=infant).order_by("-id").values("id").first()
                )
                if latest != before:
                    break
                time.sleep(0.005)
            else:
                raise RuntimeError("no assessment within 30 s: is the worker running?")
            if n >= 5:  # the first few warm the worker up
                latencies.append((time.perf_counter() - started) * 1000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    p95 = percentile(latencies, 0.95)
    return [
        {
            "figure": "episode logged -> assessment stored p50 ms (Celery, Redis)",
            "value": round(percentile(latencies, 0.5), 1),
            "target": "",
            "ratio": "",
        },
        {
            "figure": "episode logged -> assessment stored p95 ms (Celery, Redis)",
            "value": round(p95, 1),
            "target": ASSESSMENT_TARGET_P95_MS,
            "ratio": round(ASSESSMENT_TARGET_P95_MS / p95, 2),
        },
    ]


def _book(referral_ids: list[int], queue) -> None:
    import django

    django.setup()
    booked = 0
    for referral in Referral.objects.filter(pk__in=referral_ids):
        if referral_book(referral=referral) is not None:
            booked += 1
    queue.put(booked)


def bench_booking(referrals: int = 400, workers: int = 2) -> list[dict]:
    """`referral_book` from 2 processes at once, competing for one clinic's slots."""
    clinic_infants = list(Infant.objects.filter(clinic__slug="load-002").order_by("id")[:referrals])
    doctor = staff_of(Role.PEDIATRICIAN, "load-002")
    now = timezone.now()
    NeurologySlot.objects.bulk_create(
        NeurologySlot(
            clinic=clinic_infants[0].clinic,
            neurologist_name="Dr Bench",
            location="Neurology outpatients",
            starts_at=now + timedelta(days=1, minutes=30 * n),
        )
        for n in range(referrals)
    )
    created = Referral.objects.bulk_create(
        Referral(
            infant=infant,
            urgency=ReferralUrgency.ROUTINE,
            deadline=now + timedelta(days=60),
            status=ReferralStatus.AWAITING_BOOKING,
            reason="Booking benchmark",
            created_by=doctor,
        )
        for infant in clinic_infants
    )
    ids = [referral.pk for referral in created]
    connection.close()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=_book, args=(ids[n::workers], queue)) for n in range(workers)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    booked = sum(queue.get(timeout=600) for _ in processes)
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    return [
        {
            "figure": f"referral bookings/s ({workers} workers, {booked} booked)",
            "value": round(booked / elapsed, 1),
            "target": "",
            "ratio": "",
        }
    ]


if __name__ == "__main__":
    sys.exit("run bench/run.py")
