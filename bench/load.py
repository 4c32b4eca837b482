"""HTTP load on loopback: Debian's `wrk` (C, one thread, a Lua script for the headers and paths),
so the generator takes a few percent of a core instead of competing with the server it measures.
Without wrk (and without the right to install it) a threaded Python generator stands in, and
every figure it produced says so.
"""

import http.client
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

WRK_CONNECTIONS = 4


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def wrk_path() -> str | None:
    """wrk, installed with apt when missing (as .ci/run installs Chromium); None if it cannot be."""
    if os.environ.get("BENCH_PYTHON_LOAD") == "1":
        return None
    if shutil.which("wrk") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, check=False
        )
    return shutil.which("wrk")


def _lua(value) -> str:
    """A Lua literal for a string, a list or a dict of strings (ASCII only)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    return "{" + ",\n".join(_lua(item) for item in value) + "}"


_SCRIPT = """
local requests = %(requests)s
local n = 0
request = function()
  n = n + 1
  local r = requests[(n %% #requests) + 1]
  return wrk.format(r[1], r[2], r[3], r[4])
end
done = function(summary, latency, _)
  local e = summary.errors
  -- requests, duration (us), p50, p95, p99 latency (us), non-2xx answers, socket errors
  io.write(string.format("BENCH %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def load(port: int, requests: list[tuple], *, seconds: float, connections: int = WRK_CONNECTIONS):
    """Send `requests` ((method, path, headers, body) in turn) for `seconds` from `connections`
    keep-alive connections. Returns requests/s, p50/p95/p99 ms, errors and the generator."""
    wrk = wrk_path()
    if wrk is None:
        return _python_load(port, requests, seconds=seconds, concurrency=connections)
    lua_requests = [
        [method, path, headers or {}, body or ""] for method, path, headers, body in requests
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_SCRIPT % {"requests": _lua(lua_requests)})
    try:
        finished = subprocess.run(
            [
                wrk,
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(script.name).unlink()
    line = next(x for x in finished.stdout.splitlines() if x.startswith("BENCH "))
    count, duration_us, p50, p95, p99, non_2xx, socket_errors = map(int, line.split()[1:])
    return {
        "rps": count / (duration_us / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": non_2xx + socket_errors,
        "generator": "wrk",
    }


def request(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


_warned = False


def _python_load(port: int, requests: list[tuple], *, seconds: float, concurrency: int) -> dict:
    """The fallback: threads in this process, sharing the cores with the server."""
    global _warned
    if not _warned:
        print(
            "wrk is not available: using the Python load generator (a fallback; it competes "
            "with the server for the CPU, so its figures are low)",
            file=sys.stderr,
        )
        _warned = True
    latencies: list[float] = []
    errors: list[int] = []
    counter = itertools.count()
    stop = time.monotonic() + seconds

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        while time.monotonic() < stop:
            method, path, headers, body = requests[next(counter) % len(requests)]
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            if not 200 <= response.status < 300:
                errors.append(response.status)
        conn.close()

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
        "p99": percentile(latencies, 0.99),
        "errors": len(errors),
        "generator": "python (fallback)",
    }
