"""gunicorn's settings (`gunicorn -c config/gunicorn.py config.wsgi:application`).

Access lines are JSON like the application's, name the path without its query string (a search
puts an infant's name there; gunicorn's `%(r)s` and `%(q)s` would log it), and carry the request
id the application set in `X-Request-ID`. Prometheus counters from every worker are added up
through PROMETHEUS_MULTIPROC_DIR.
"""

import os
import shutil
from pathlib import Path

from gunicorn import glogging

from config.structured_logging import formatter

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
accesslog = "-"
errorlog = "-"
# A proxy in front (DJANGO_TRUSTED_PROXY_COUNT) is what terminates TLS; see docs/security.md.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


class JsonLogger(glogging.Logger):
    """gunicorn's error and access logs as JSON lines, the access line without a query."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter(json=True))

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict((name.lower(), value) for name, value in resp.headers)
        self.access_log.info(
            "access",
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": int(status),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(
                    request_time.seconds * 1000 + request_time.microseconds / 1000, 1
                ),
                "remote_addr": environ.get("REMOTE_ADDR"),
                "request_id": headers.get("x-request-id"),
            },
        )


logger_class = JsonLogger


def on_starting(server) -> None:
    """Counters left by a previous run would be added to this one's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
