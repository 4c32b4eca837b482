"""A resumable upload started through one web process resumes through another: two gunicorn
processes on loopback share the database, the partial-upload folder and the media storage (a
folder, or a bucket on the local S3 server with --media-storage=s3), as two web machines do."""

import base64
import hashlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from clinics.services import api_token_issue
from episodes.models import EpisodeVideo, UploadSession, VideoState
from tests.episodes.conftest import sha256_file, stored_exists, stored_files, stored_path
from tests.object_storage import free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class WebProcess:
    """gunicorn with the production config file, one worker, on 127.0.0.1."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "config/gunicorn.py",
                    "config.wsgi:application",
                ],
                cwd=settings.BASE_DIR,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "1"},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 40
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/uploads/", timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"web process did not start: {log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.3)
            else:
                break

    def request(self, method: str, path: str, data: bytes | None = None, **headers):
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"{self.url}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def two_web_processes(postgres, media_dirs, request, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{connection.settings_dict['USER']}@"
            f"{connection.settings_dict['HOST'] or '127.0.0.1'}:"
            f"{connection.settings_dict['PORT'] or 5432}/{connection.settings_dict['NAME']}"
        ),
        "TEST_UPLOAD_PARTIAL_DIR": str(media_dirs["partial"]),
        "TEST_MEDIA_ROOT": str(media_dirs["media"]),
        "PROMETHEUS_MULTIPROC_DIR": "",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR")
    if media_dirs["bucket"] is not None:
        env.update(request.getfixturevalue("s3_server").environment(media_dirs["bucket"].name))
    processes = []
    try:
        for name in ("a", "b"):
            processes.append(WebProcess(env, tmp_path / f"web-{name}.log"))
        yield processes
    finally:
        for process in processes:
            process.stop()


def test_an_upload_started_on_one_web_process_resumes_on_another(
    two_web_processes, family, clip, media_dirs
):
    first, second = two_web_processes
    assert first.process.pid != second.process.pid
    source = clip("clip.webm", codec="libvpx-vp9", container_format="webm", seconds=2.0)
    data = source.read_bytes()
    half = len(data) // 2
    _, raw_key = api_token_issue(user=family["parent"])
    auth = {"Authorization": f"Token {raw_key}", "Tus-Resumable": "1.0.0"}

    status, headers = first.request(
        "POST",
        "/api/v1/uploads/",
        **auth,
        **{
            "Upload-Length": str(len(data)),
            "Upload-Metadata": (
                f"episode {_b64(str(family['episode'].uuid))},filename {_b64('clip.webm')}"
            ),
        },
    )
    assert status == 201
    path = "/" + headers["Location"].split("/", 3)[3]
    status, headers = first.request(
        "PATCH",
        path,
        data[:half],
        **auth,
        **{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert (status, headers["Upload-Offset"]) == (204, str(half))

    # The phone's connection moves to the other machine: it asks where the upload stands.
    status, headers = second.request("HEAD", path, **auth)
    assert (status, headers["Upload-Offset"]) == (200, str(half))
    status, headers = second.request(
        "PATCH",
        path,
        data[half:],
        **auth,
        **{"Upload-Offset": str(half), "Content-Type": "application/offset+octet-stream"},
    )
    assert (status, headers["Upload-Offset"]) == (204, str(len(data)))

    video = EpisodeVideo.objects.get(episode=family["episode"])
    assert video.sha256 == hashlib.sha256(data).hexdigest()
    assert sha256_file(stored_path(video.original)) == video.sha256
    # The second process ran the processing in-process on completion (tasks are eager here).
    assert video.state == VideoState.READY
    assert stored_exists(video.poster)
    assert not UploadSession.objects.filter(video__isnull=True).exists()
    assert [p for p in stored_files(media_dirs) if str(p).endswith(".part")] == []
