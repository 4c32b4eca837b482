"""The goal rows: each figure over a baseline measured in the same run, interleaved with it
(A, B, A, B ... for BENCH_ROUNDS rounds, at least 3), the median round's ratio reported.

- api_vs_drf: the project's episode list (token, scoping, audit) under gunicorn over a plain DRF
  ListAPIView of the same rows on the same workers; the `.values()` JsonResponse is the floor.
- dashboard_scale: the dashboard's p95 for a 5,000-infant clinic over a 100-infant clinic.
- engine_vs_json: the engine's time per case over a JSON round trip of the same case.
- upload_rss_growth: the warm web worker's RssAnon growth during a 1 GiB tus upload.
- assessment_vs_noop_task: episode logged -> assessment stored over a no-op task round trip.
- video_realtime, video_peak_memory_mb: bench/video.py's realtime_factor().
- video_frequency_0_5_hz, video_frequency_0_3_hz, video_pattern_right, video_controls_rhythmic:
  bench/video.py's full seeded grid of synthetic clips.
"""

import contextlib
import importlib.util
import inspect
import json
import os
import random
import statistics
import subprocess
import threading
import time
from base64 import b64encode
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from live import VENV_BIN, Gunicorn, VideoBytes
from load import load, percentile, request
from rows import check_row, info_row, ratio_row
from web import BENCH_CLINIC, SMALL_CLINIC, signed_in_as, staff_of

from assessments.engine import score
from assessments.models import Assessment
from clinics.models import Role
from clinics.services import api_token_issue
from episodes.services import episode_log
from patients.models import Guardianship, Infant

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = max(3, int(os.environ.get("BENCH_ROUNDS", "5")))
ROUND_SECONDS = float(os.environ.get("BENCH_ROUND_SECONDS", "5"))


def _alternate(rounds: int, sides: dict, run) -> dict[str, list]:
    """`run(side)` for every side in turn, `rounds` times: {side: [figure per round]}."""
    figures = {side: [] for side in sides}
    for _ in range(rounds):
        for side in sides:
            figures[side].append(run(side))
    return figures


def _interleaved(rounds: int, per_round: int, samplers: dict) -> dict[str, list[list[float]]]:
    """Within each round, one sample of every side in turn (A, B, A, B ...), so a burst of other
    work on the machine lands on both sides alike: {side: [[samples of round 1], ...]}."""
    samples = {side: [] for side in samplers}
    for _ in range(rounds):
        for side in samplers:
            samples[side].append([])
        for n in range(per_round):
            for side, sample in samplers.items():
                samples[side][-1].append(sample(n))
    return samples


# api_vs_drf ------------------------------------------------------------------------------------


def bench_api_vs_drf() -> list[dict]:
    doctor = staff_of(Role.PEDIATRICIAN)
    _, key = api_token_issue(user=doctor)
    auth = {"Authorization": f"Token {key}"}
    infants = list(
        Infant.objects.filter(clinic__slug=BENCH_CLINIC)
        .order_by("id")
        .values_list("uuid", flat=True)[:500]
    )
    random.Random(17).shuffle(infants)
    sides = {
        "project": [
            ("GET", f"/api/v1/episodes/?infant={uuid}&limit=25", auth, None) for uuid in infants
        ],
        "drf": [
            ("GET", f"/bench/drf/episodes/?infant={uuid}&limit=25", {}, None) for uuid in infants
        ],
        "values": [
            ("GET", f"/bench/values/episodes/?infant={uuid}&limit=25", {}, None) for uuid in infants
        ],
    }
    with Gunicorn(settings="bench.settings") as server:
        for side, requests in sides.items():
            status, body = request(server.port, *requests[0][:2], headers=requests[0][2])
            assert status == 200, (side, status, body[:300])
            load(server.port, requests, seconds=2)  # both workers warm on every path
        figures = _alternate(
            ROUNDS, sides, lambda side: load(server.port, sides[side], seconds=ROUND_SECONDS)
        )
    generator = figures["project"][0]["generator"]
    errors = sum(f["errors"] for side in figures.values() for f in side)

    def raw(side, n):
        f = figures[side][n]
        return {
            f"{side}_rps": round(f["rps"], 1),
            f"{side}_p50_ms": round(f["p50"], 1),
            f"{side}_p99_ms": round(f["p99"], 1),
        }

    note = f"{generator}, gunicorn -w 2, 4 connections, {ROUNDS} x {ROUND_SECONDS:.0f} s"
    if errors:
        note += f", {errors} errors"

    def against(baseline: str) -> list[dict]:
        return [
            {
                "value": figures["project"][n]["rps"],
                "baseline": figures[baseline][n]["rps"],
                **raw("project", n),
                **raw(baseline, n),
            }
            for n in range(ROUNDS)
        ]

    rows = [
        ratio_row(
            id="api_vs_drf",
            figure="GET /api/v1/episodes/?infant=&limit=25 requests/s over plain DRF ListAPIView",
            rounds=against("drf"),
            goal=">= 1.0x",
            met=lambda ratio: ratio >= 1.0,
            note=note,
        ),
        ratio_row(
            id="api_vs_values",
            figure="the same over a JsonResponse of .values() (the floor)",
            rounds=against("values"),
            goal="",
            met=lambda ratio: True,
        ),
    ]
    rows[-1]["met"] = None
    for side, label in (
        ("project", "project"),
        ("drf", "plain DRF"),
        ("values", ".values() JsonResponse"),
    ):
        for stat in ("p50", "p99"):
            values = [round(f[stat], 1) for f in figures[side]]
            rows.append(
                info_row(
                    f"info.api_{side}_{stat}_ms",
                    f"episode list {label} {stat} ms",
                    statistics.median(values),
                    rounds=values,
                )
            )
    return rows


# dashboard_scale -------------------------------------------------------------------------------

DASHBOARD_URLS = ["/dashboard/", "/dashboard/?triage=emergency", "/dashboard/?alerts_only=on"]


def _dashboard_request(client, n: int, sql: list[float]) -> float:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(DASHBOARD_URLS[n % len(DASHBOARD_URLS)])
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200
    sql.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
    return elapsed


def bench_dashboard_scale(requests: int = 20) -> list[dict]:
    sides = {
        "large": signed_in_as(staff_of(Role.PEDIATRICIAN, BENCH_CLINIC)),
        "small": signed_in_as(staff_of(Role.PEDIATRICIAN, SMALL_CLINIC)),
    }
    large = Infant.objects.filter(clinic__slug=BENCH_CLINIC).count()
    small = Infant.objects.filter(clinic__slug=SMALL_CLINIC).count()
    sql = {side: [] for side in sides}
    for client in sides.values():
        for n in range(len(DASHBOARD_URLS)):
            _dashboard_request(client, n, [])
    samples = _interleaved(
        ROUNDS,
        requests,
        {
            side: partial(_dashboard_request, client, sql=sql[side])
            for side, client in sides.items()
        },
    )
    share = sum(sql["large"]) / sum(sum(r) for r in samples["large"])
    p95 = {side: [percentile(r, 0.95) for r in samples[side]] for side in sides}
    return [
        ratio_row(
            id="dashboard_scale",
            figure=f"dashboard p95 server time, {large}-infant clinic over {small}-infant clinic",
            rounds=[
                {
                    "value": p95["large"][n],
                    "baseline": p95["small"][n],
                    "large_p50_ms": round(statistics.median(samples["large"][n]), 1),
                    "small_p50_ms": round(statistics.median(samples["small"][n]), 1),
                }
                for n in range(ROUNDS)
            ],
            goal="<= 1.3x",
            met=lambda ratio: ratio <= 1.3,
            note=f"in-process, {requests} requests a round, SQL {share:.0%} of the large clinic",
        ),
        info_row(
            "info.dashboard_p95_ms",
            f"dashboard p95 ms ({large}-infant clinic, 100k network)",
            round(statistics.median(p95["large"]), 1),
            rounds=[round(value, 1) for value in p95["large"]],
        ),
        info_row(
            "info.dashboard_sql_share",
            f"dashboard SQL share of server time ({large}-infant clinic)",
            round(share, 2),
        ),
    ]


# engine_vs_json --------------------------------------------------------------------------------


def _engine_scorer():
    """score(case, ruleset="2.0.0") when the engine has it, else 1.0.0; and its version."""
    if "ruleset" in inspect.signature(score).parameters:
        with contextlib.suppress(Exception):  # an engine without 2.0.0 yet: measure 1.0.0
            result = score(_cases(1)[0], ruleset="2.0.0")
            return (lambda case: score(case, ruleset="2.0.0")), result["ruleset"]["version"]
    return score, score(_cases(1)[0])["ruleset"]["version"]


def _cases(count: int) -> list[dict]:
    from engine import synthetic_cases

    return synthetic_cases(count)


def bench_engine_vs_json(count: int = 1000) -> list[dict]:
    cases = _cases(count)
    scorer, version = _engine_scorer()
    for case in cases[:200]:
        scorer(case)

    chunk = 100
    chunks = [cases[n : n + chunk] for n in range(0, len(cases), chunk)]

    def engine(n: int) -> float:
        started = time.perf_counter()
        for case in chunks[n]:
            scorer(case)
        return time.perf_counter() - started

    def round_trip(n: int) -> float:
        started = time.perf_counter()
        for case in chunks[n]:
            json.loads(json.dumps(case))
        return time.perf_counter() - started

    samples = _interleaved(ROUNDS, len(chunks), {"engine": engine, "json": round_trip})
    figures = {
        side: [sum(r) / len(cases) * 1e6 for r in rounds] for side, rounds in samples.items()
    }
    per_case = statistics.median(figures["engine"])
    return [
        ratio_row(
            id="engine_vs_json",
            figure=f"engine us per case (ruleset {version}) over json.loads(json.dumps(case))",
            rounds=[
                {"value": figures["engine"][n], "baseline": figures["json"][n]}
                for n in range(ROUNDS)
            ],
            goal="<= 4x (ruleset 2.0.0)",
            met=lambda ratio: ratio <= 4 and version == "2.0.0",
            note=f"ruleset {version}"
            + ("" if version == "2.0.0" else ": 2.0.0 not on this branch"),
        ),
        info_row("info.engine_cases_per_s", "engine cases/s (one process)", round(1e6 / per_case)),
    ]


# upload_rss_growth -----------------------------------------------------------------------------

UPLOAD_BYTES = 1024**3


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _tus_create(port: int, auth: dict, episode_uuid, length: int) -> str:
    metadata = ",".join(
        f"{name} {b64encode(value.encode()).decode()}"
        for name, value in (("episode", str(episode_uuid)), ("filename", "bench.mp4"))
    )
    status, _ = 0, None
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(
        "POST",
        "/api/v1/uploads/",
        headers={**auth, "Upload-Length": str(length), "Upload-Metadata": metadata},
    )
    response = conn.getresponse()
    response.read()
    status = response.status
    location = response.getheader("Location")
    conn.close()
    assert status == 201, status
    return location


def _tus_patch(port: int, auth: dict, location: str, length: int) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(
        "PATCH",
        location,
        body=VideoBytes(length),
        headers={
            **auth,
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": "0",
            "Content-Length": str(length),
        },
        encode_chunked=False,
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _read_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return 0


def _warm_uploads(server, guardianship, auth: dict, size: int = 64 * 1024**2) -> None:
    """Small tus uploads, four side by side, until every worker has read one whole (its
    rchar grew by the upload's size): the upload, checksum and video paths are warm in both."""
    pids = server.worker_pids()
    served = dict.fromkeys(pids, False)
    for _ in range(8):
        before = {pid: _read_bytes(pid) for pid in pids}
        locations = []
        for _ in range(4):
            episode = episode_log(
                infant=guardianship.infant,
                reported_by=guardianship.caregiver,
                started_at=timezone.now() - timedelta(hours=1),
                movement_type="fine_tremor",
            )
            locations.append(_tus_create(server.port, auth, episode.uuid, size))
        threads = [
            threading.Thread(target=_tus_patch, args=(server.port, auth, location, size))
            for location in locations
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for pid in pids:
            served[pid] = served[pid] or _read_bytes(pid) - before[pid] >= size
        if all(served.values()):
            return
    raise RuntimeError("a gunicorn worker served no upload during the warm-up")


def bench_upload_rss_growth(runs: int = 3) -> list[dict]:
    """Both workers serve API reads and small uploads first (a cold worker importing the app
    during the upload was the 75-83 MB outlier); then each 1 GiB upload's growth of the
    workers' RssAnon (anonymous memory: heap and buffers, not the page cache) is watched."""
    guardianships = list(
        Guardianship.objects.filter(infant__clinic__slug=BENCH_CLINIC)
        .select_related("caregiver", "infant")
        .order_by("-id")[: runs + 1]
    )
    growths, seconds, baselines, workers = [], [], [], []
    with Gunicorn() as server:
        doctor_key = api_token_issue(user=staff_of(Role.PEDIATRICIAN))[1]
        infant = guardianships[0].infant.uuid
        load(
            server.port,
            [
                (
                    "GET",
                    f"/api/v1/episodes/?infant={infant}",
                    {"Authorization": f"Token {doctor_key}"},
                    None,
                )
            ],
            seconds=2,
        )
        for run, guardianship in enumerate(guardianships[:runs]):
            _, key = api_token_issue(user=guardianship.caregiver)
            auth = {"Authorization": f"Token {key}", "Tus-Resumable": "1.0.0"}
            if run == 0:
                _warm_uploads(server, guardianship, auth)
            episode = episode_log(
                infant=guardianship.infant,
                reported_by=guardianship.caregiver,
                started_at=timezone.now() - timedelta(hours=1),
                movement_type="fine_tremor",
            )
            location = _tus_create(server.port, auth, episode.uuid, UPLOAD_BYTES)
            pids = server.worker_pids()
            before = {pid: _status_kb(pid, "RssAnon") for pid in pids}
            peak = dict(before)
            done = threading.Event()

            def watch(pids=pids, peak=peak, done=done):
                while not done.is_set():
                    for pid in pids:
                        peak[pid] = max(peak[pid], _status_kb(pid, "RssAnon"))
                    time.sleep(0.02)

            watcher = threading.Thread(target=watch)
            watcher.start()
            started = time.perf_counter()
            status = _tus_patch(server.port, auth, location, UPLOAD_BYTES)
            seconds.append(round(time.perf_counter() - started, 1))
            done.set()
            watcher.join()
            assert status == 204, status
            workers.append({pid: round((peak[pid] - before[pid]) / 1024, 1) for pid in pids})
            worst = max(pids, key=lambda pid: peak[pid] - before[pid])
            growths.append(round((peak[worst] - before[worst]) / 1024, 1))
            baselines.append(round(before[worst] / 1024, 1))
    worst_run = max(range(runs), key=lambda n: growths[n])
    return [
        {
            "id": "upload_rss_growth",
            "figure": "1 GiB tus upload: warm web worker RssAnon growth MB (worst of runs)",
            "value": growths[worst_run],
            "baseline": baselines[worst_run],
            "ratio": round(growths[worst_run] / baselines[worst_run], 3),
            "goal": "<= 8 MB",
            "met": growths[worst_run] <= 8,
            "rounds": [
                {
                    "value": g,
                    "baseline": b,
                    "ratio": round(g / b, 3),
                    "seconds": s,
                    "growth_mb_per_worker": list(w.values()),
                }
                for g, b, s, w in zip(growths, baselines, seconds, workers, strict=True)
            ],
            "note": "baseline: the worker's RssAnon MB before the upload; ratio growth/baseline",
        },
        info_row("info.upload_seconds", "1 GiB tus upload seconds", max(seconds), rounds=seconds),
    ]


# assessment_vs_noop_task -----------------------------------------------------------------------


def bench_assessment_vs_noop(per_round: int = 30) -> list[dict]:
    """Through one `celery worker -P solo` on the bench's Redis: a no-op task sent and its result
    read back, against an episode logged (committed) until its assessment is stored."""
    from bench.tasks import noop

    subprocess.run(["redis-cli", "-n", "12", "flushdb"], check=True, capture_output=True)
    worker = subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "--include",
            "bench.tasks",
            "--loglevel",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ,
        stdout=subprocess.DEVNULL,
    )
    guardianships = iter(
        Guardianship.objects.filter(infant__clinic__slug="load-001")
        .select_related("caregiver", "infant")
        .order_by("id")[: ROUNDS * per_round + 10]
    )

    def noop_round_trip() -> float:
        started = time.perf_counter()
        noop.delay().get(timeout=30)
        return (time.perf_counter() - started) * 1000

    def assessment() -> float:
        guardianship = next(guardianships)
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
            latest = Assessment.objects.filter(infant=infant).order_by("-id").values("id").first()
            if latest != before:
                return (time.perf_counter() - started) * 1000
            time.sleep(0.002)
        raise RuntimeError("no assessment within 30 s: is the worker running?")

    try:
        for _ in range(5):  # the worker's first tasks import and connect
            noop_round_trip()
            assessment()
        samples = _interleaved(
            ROUNDS,
            per_round,
            {"assessment": lambda n: assessment(), "noop": lambda n: noop_round_trip()},
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    rounds = [
        {
            "value": percentile(samples["assessment"][n], 0.95),
            "baseline": percentile(samples["noop"][n], 0.95),
            "assessment_p50_ms": round(statistics.median(samples["assessment"][n]), 1),
            "noop_p50_ms": round(statistics.median(samples["noop"][n]), 1),
        }
        for n in range(ROUNDS)
    ]
    return [
        ratio_row(
            id="assessment_vs_noop_task",
            figure="episode logged -> assessment stored p95 ms over no-op Celery task p95 ms",
            rounds=rounds,
            goal="<= 10x",
            met=lambda ratio: ratio <= 10,
            note=f"celery -P solo on Redis, {per_round} a round",
        )
    ]


# video_realtime --------------------------------------------------------------------------------


def _bench_video_module():
    path = Path(__file__).resolve().parent / "video.py"
    spec = importlib.util.spec_from_file_location("bench_video", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_video_realtime() -> list[dict]:
    """A 30 s 1080p 30 fps clip analysed on one core: seconds of video per CPU second of the
    analysis (CPU time, not wall: the machine is shared) and the analysis's peak memory."""
    figures = _bench_video_module().realtime_factor()
    note = (
        f"{figures['clip']}; {figures['analysis_cpu_s']} s CPU, {figures['analysis_wall_s']} s "
        f"wall ({figures['realtime_factor_wall']}x); bench/video.py realtime_factor()"
    )
    factor = figures["realtime_factor_cpu"]
    peak = figures["peak_memory_mb"]
    return [
        {
            "id": "video_realtime",
            "figure": "video analysis speed, multiple of real time (30 s 1080p clip, one core)",
            "value": factor,
            "baseline": "real time (1x)",
            "ratio": factor,
            "goal": ">= 10x",
            "met": factor >= figures["target_realtime"],
            "rounds": [],
            "note": note,
        },
        check_row(
            "video_peak_memory_mb",
            "video analysis peak memory MB (30 s 1080p clip)",
            peak,
            goal="< 300",
            met=peak < figures["target_peak_mb"],
            note="ru_maxrss of the child process that ran the analysis",
        ),
    ]


def bench_video_accuracy() -> list[dict]:
    """The movement analysis on the full seeded grid of synthetic clips (bench/video.py)."""
    module = _bench_video_module()
    figures = module.accuracy_in_parallel()
    clips = f"{figures['clips']} clips, {figures['good_rhythmic_clips']} good rhythmic"
    note = f"{clips}; {len(figures['misses'])} misses; bench/video.py accuracy_grid()"

    def share(id, figure, value, target):
        return check_row(id, figure, value, goal=f">= {target:.0%}", met=value >= target, note=note)

    targets = figures["targets"]
    return [
        share(
            "video_frequency_0_5_hz",
            "share of good rhythmic clips with the frequency within 0.5 Hz",
            figures["frequency_within_0_5_hz"],
            targets["frequency_within_0_5_hz"],
        ),
        share(
            "video_frequency_0_3_hz",
            "share of good rhythmic clips with the frequency within 0.3 Hz",
            figures["frequency_within_0_3_hz"],
            targets["frequency_within_0_3_hz"],
        ),
        share(
            "video_pattern_right",
            "share of clips with the pattern right",
            figures["pattern_right"],
            targets["pattern_right"],
        ),
        check_row(
            "video_controls_rhythmic",
            "camera-shake and still clips called rhythmic",
            figures["controls_called_rhythmic"],
            goal="0",
            met=figures["controls_called_rhythmic"] == 0,
            note=f"of {figures['controls']} control clips",
        ),
    ]
