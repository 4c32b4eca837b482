"""Private PostgreSQL and Redis instances and real Celery worker processes for fault injection.

The machine's shared servers are never stopped: each fault test starts its own throwaway server
on a free port (and a temporary directory), and stops, restarts or kills only that."""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float = 30, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="tremor-redis-")
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until(lambda: port_open(self.port), 10), "private Redis did not start"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        assert wait_until(lambda: not port_open(self.port), 10)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return str(Path(found[-1]).parent) if found else None


class PrivatePostgres:
    """A throwaway cluster owned by the `postgres` OS user (this machine runs tests as root)."""

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="tremor-pg-")
        self.data = os.path.join(self.dir, "data")
        as_root = os.geteuid() == 0
        self.prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        if as_root:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.prefix, f"{self.bin}/{tool}", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", f"{self.dir}/log", "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def cleanup(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Worker:
    """`celery -A config worker` in its own process group, so a SIGKILL takes it whole."""

    def __init__(self, *, broker_url: str, database_url: str, **env: str):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            **env,
        }
        self.log = Path(env.get("FAULT_CHECKPOINT_DIR", tempfile.gettempdir()), "worker.log")
        self.process = None

    def start(self) -> "Worker":
        celery = str(Path(sys.executable).parent / "celery")
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                "config",
                "worker",
                "-P",
                "solo",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "warning",
            ],
            cwd=BASE_DIR,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "ab"),  # noqa: SIM115 (closed with the process)
        )
        return self

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


class WebServer:
    """The application under gunicorn in its own process, as in production."""

    def __init__(self, *, database_url: str, broker_url: str, log_dir: str, **env: str):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "TEST_TASKS_EAGER": "0",
            **env,
        }
        self.log = Path(log_dir, "gunicorn.log")
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "WebServer":
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "1",
                "--threads",
                "4",
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "ab"),  # noqa: SIM115 (closed with the process)
        )
        assert wait_until(lambda: port_open(self.port), 30), self.log.read_text()[-2000:]
        # The worker imports the application on its first request: wait for that answer, so a
        # test's clients (with their short timeouts) start against a server that is up, even on
        # a loaded machine.
        assert wait_until(self._answers, 90, interval=0.5), self.log.read_text()[-2000:]
        return self

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/api/v1/", timeout=30)  # noqa: S310 - loopback
        except urllib.error.HTTPError:
            return True  # any HTTP answer: the application is loaded
        except OSError:
            return False
        return True

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(20)
