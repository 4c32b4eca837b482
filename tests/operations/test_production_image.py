"""The production shape: gunicorn's access lines, the hashed production lock, the image."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEV_ONLY = ("pytest", "ruff", "playwright", "moto", "schemathesis", "hypothesis", "factory-boy")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_logs_json_access_lines_without_the_query_string(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.py",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/?next=/infants/%3Fsearch%3DZoryana"
                ) as response:
                    request_id = response.headers["X-Request-ID"]
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    assert access
    assert access[-1]["path"] == "/accounts/login/"
    assert access[-1]["status"] == 200
    assert access[-1]["request_id"] == request_id
    assert "Zoryana" not in log.read_text()
    assert "search" not in log.read_text()
    assert all(line.startswith("{") for line in log.read_text().splitlines() if line.strip())


def _requirements(lock: str) -> dict[str, list[str]]:
    entries, current = {}, None
    for line in (ROOT / lock).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==", line):
            current = match[1].lower()
            entries[current] = []
        elif current and "--hash=sha256:" in line:
            entries[current].append(line.strip())
    return entries


def test_the_production_lock_pins_every_package_by_hash_and_has_no_dev_tools():
    prod = _requirements("requirements-prod.lock")
    assert {"django", "gunicorn", "django-structlog", "sentry-sdk", "django-storages"} <= set(prod)
    assert all(hashes for hashes in prod.values()), [n for n, h in prod.items() if not h]
    assert not [name for name in prod if name in DEV_ONLY]
    dev = _requirements("requirements.lock")
    assert set(prod) <= set(dev) | {"pip", "setuptools"}


def test_the_image_installs_the_production_lock_with_hashes_and_runs_gunicorns_config():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes --no-deps -r requirements-prod.lock" in dockerfile
    assert "requirements.lock" not in dockerfile.replace("requirements-prod.lock", "")
    assert '"gunicorn", "-c", "config/gunicorn.py"' in dockerfile
