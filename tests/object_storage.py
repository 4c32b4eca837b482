"""An S3-compatible server for the tests: moto's standalone server, started once per run on a
free port of 127.0.0.1 (never any other address), each test in a bucket of its own.

`--media-storage=s3` (or TEST_MEDIA_STORAGE=s3) runs the video tests (tests/episodes) with
STORAGES on it; `make test` runs them once more that way."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import boto3
import pytest

from config.settings.base import object_storage

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"  # moto accepts any key pair
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3TestServer:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1)  # noqa: S310
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.2)
        self.resource = boto3.resource(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self):
        bucket = self.resource.Bucket(f"media-{uuid.uuid4().hex[:16]}")
        bucket.create()
        return bucket

    def storage(self, bucket_name: str) -> dict:
        """A STORAGES entry exactly as production builds it, pointed at this server."""
        return object_storage(
            bucket_name,
            endpoint_url=self.url,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            region_name=REGION,
        )

    def environment(self, bucket_name: str) -> dict:
        """The same, as the variables a server process on the test settings reads."""
        return {
            "TEST_MEDIA_BUCKET": bucket_name,
            "TEST_MEDIA_S3_ENDPOINT_URL": self.url,
            "TEST_MEDIA_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "TEST_MEDIA_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def s3_server():
    server = S3TestServer()
    try:
        yield server
    finally:
        server.stop()


def media_storage_option(config) -> str:
    return config.getoption("--media-storage") or os.environ.get("TEST_MEDIA_STORAGE", "local")
