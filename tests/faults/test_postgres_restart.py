"""PostgreSQL is restarted under load. During the outage requests get 503 with Retry-After, never
a wrong answer (a 200 with missing data, a 500); afterwards the same server process answers
correctly again (CONN_HEALTH_CHECKS drops the dead connections), without a restart."""

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import requests

from tests.attacks.tally import TRIED
from tests.faults.services import BASE_DIR, WebServer, wait_until

pytestmark = pytest.mark.services

SEED = """
import json
from django.test import Client
from clinics.services import api_token_issue
from tests.factories import InfantFactory, caregiver_of
infant = InfantFactory(given_name="Outage", family_name="Survivor")
parent = caregiver_of(infant)
_, key = api_token_issue(user=parent)
web = Client()
web.force_login(parent)
print(json.dumps({"infant": str(infant.uuid), "key": key,
                  "session": web.cookies["sessionid"].value}))
"""


def _manage(database_url: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
        },
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _verdict(response, seed) -> str:
    """'ok' (right answer), 'unavailable' (a proper 503) or what was wrong."""
    if response.status_code == 503:
        return "unavailable" if response.headers.get("Retry-After") else "503 without Retry-After"
    if response.status_code != 200:
        return f"status {response.status_code}"
    if response.url.endswith("/portal/"):
        return "ok" if "Outage" in response.text else "page without the infant"
    ids = [row["id"] for row in response.json()["results"]]
    return "ok" if ids == [seed["infant"]] else f"wrong list {ids}"


def test_postgres_restart_under_load_gives_503_then_recovers(private_postgres, tmp_path):
    database_url = private_postgres.url
    _manage(database_url, "migrate", "--noinput", "-v", "0")
    seed = json.loads(_manage(database_url, "shell", "-c", SEED).strip().splitlines()[-1])
    server = WebServer(
        database_url=database_url, broker_url="", log_dir=str(tmp_path), DJANGO_CONN_MAX_AGE="60"
    ).start()
    verdicts: list[tuple[float, str]] = []
    stop = threading.Event()

    def client(kind: str) -> None:
        session = requests.Session()
        if kind == "api":
            session.headers["Authorization"] = f"Token {seed['key']}"
            url = f"{server.url}/api/v1/infants/"
        else:
            session.cookies.set("sessionid", seed["session"])
            url = f"{server.url}/portal/"
        while not stop.is_set():
            try:
                response = session.get(url, timeout=10)
            except requests.ConnectionError as error:
                verdicts.append((time.monotonic(), f"connection error {error}"))
                continue
            verdicts.append((time.monotonic(), _verdict(response, seed)))
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(kind,)) for kind in ("api", "api", "page")]
    for thread in threads:
        thread.start()
    try:
        assert wait_until(lambda: len(verdicts) > 20, 20)
        private_postgres.stop()
        TRIED["faults injected"] += 1
        down = time.monotonic()
        assert wait_until(lambda: any(v == "unavailable" for _, v in verdicts[-5:]), 20)
        time.sleep(1)
        private_postgres.start()
        up = time.monotonic()
        assert wait_until(lambda: sum(1 for t, v in verdicts if t > up and v == "ok") > 60, 30), (
            Counter(v for t, v in verdicts if t > up)
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
        server.stop()
    counts = Counter(v for _, v in verdicts)
    TRIED["requests during PostgreSQL restart"] += len(verdicts)
    assert set(counts) == {"ok", "unavailable"}, counts
    assert any(down < t < up and v == "unavailable" for t, v in verdicts)
    # Recovered: after the first good answer following the restart, every answer is right.
    first_ok = min(t for t, v in verdicts if t > up and v == "ok")
    assert {v for t, v in verdicts if t > first_ok + 0.5} == {"ok"}
