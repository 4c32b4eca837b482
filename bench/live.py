"""Figures that need real processes: gunicorn with 2 workers on loopback under wrk (bench/load.py)
for the API's search and caregiver POST (information rows), and referral booking with 2 worker
processes. The goal rows that need them are in bench/ratios.py."""

import json
import multiprocessing
import os
import random
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone
from load import load, request
from rows import info_row
from web import BENCH_CLINIC, staff_of

from clinics.models import Role
from clinics.services import api_token_issue
from patients.models import Guardianship, Infant
from workups.models import NeurologySlot, Referral, ReferralStatus, ReferralUrgency
from workups.services import referral_book

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn config.wsgi -w 2` on a free loopback port, for the length of a `with`."""

    def __init__(self, workers: int = 2, settings: str | None = None):
        self.port = free_port()
        self.workers = workers
        self.env = {**os.environ, **({"DJANGO_SETTINGS_MODULE": settings} if settings else {})}

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
            env=self.env,
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


class VideoBytes:
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


def bench_api_info(seconds: float = 8) -> list[dict]:
    """The infant search and a caregiver's episode POST under wrk: absolute figures."""
    _, staff_key = api_token_issue(user=staff_of(Role.PEDIATRICIAN))
    staff = {"Authorization": f"Token {staff_key}"}
    rng = random.Random(7)
    names = list(
        Infant.objects.filter(clinic__slug=BENCH_CLINIC).values_list("family_name", flat=True)[:500]
    )
    terms = [rng.choice(names)[:4] for _ in range(200)] + [f"L000-{n:06d}" for n in range(50)]
    searches = [("GET", f"/api/v1/infants/?search={term}", staff, None) for term in terms]
    started_at = (timezone.now() - timedelta(minutes=5)).isoformat()
    posts = []
    for guardianship in (
        Guardianship.objects.filter(infant__clinic__slug=BENCH_CLINIC)
        .select_related("caregiver", "infant")
        .order_by("id")[:200]
    ):
        body = {
            "infant": str(guardianship.infant.uuid),
            "started_at": started_at,
            "duration_s": 20,
            "state": "awake_crying_or_handled",
            "movement_type": "fine_tremor",
            "stops_with_gentle_restraint": "yes",
        }
        headers = {
            "Authorization": f"Token {api_token_issue(user=guardianship.caregiver)[1]}",
            "Content-Type": "application/json",
        }
        posts.append(("POST", "/api/v1/episodes/", headers, json.dumps(body)))
    rows = []
    with Gunicorn() as server:
        status, body = request(server.port, *searches[0][:2], headers=staff)
        assert status == 200, (status, body[:300])
        for name, requests in (("search", searches), ("episode_post", posts)):
            load(server.port, requests, seconds=1)
            result = load(server.port, requests, seconds=seconds)
            label = {
                "search": "GET /api/v1/infants/?search=",
                "episode_post": "POST /api/v1/episodes/ (caregiver)",
            }[name]
            note = result["generator"] + (
                f", {result['errors']} errors" if result["errors"] else ""
            )
            rows += [
                info_row(
                    f"info.api_{name}_rps", f"{label} requests/s", round(result["rps"]), note=note
                ),
                info_row(f"info.api_{name}_p95_ms", f"{label} p95 ms", round(result["p95"], 1)),
            ]
    return rows


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
        info_row(
            "info.referral_bookings_per_s",
            f"referral bookings/s ({workers} workers, {booked} booked)",
            round(booked / elapsed, 1),
        )
    ]
