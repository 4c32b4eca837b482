"""Running work on untrusted bytes (decoding a caregiver's video, analysing its movement) in a
child process with CPU-time, memory, file-size and wall-clock limits.

A hostile file can make a decoder spin, allocate without end or crash. In a child process the
kernel enforces the limits (`resource.setrlimit`), the parent only waits, and whatever happens
the caller (a web worker or a Celery worker) gets either the result or a named error within
`wall_seconds`.

The child is a fresh interpreter running this module (`python -m episodes.sandbox`), so it
works the same under gunicorn, Celery's daemonic pool processes and the test runner. It
receives the target and its arguments pickled (the parent is trusted); the target must be a
module-level function importable without Django setup (it gets paths and plain values, not
model instances). It answers in JSON only: a child that a crafted file has taken over must not
be able to run code in the parent, which unpickling its answer would allow. So the target
returns JSON-serialisable values and writes anything bigger (a poster, a rendition) to paths it
was given.
"""

import json
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Room for the answer and the child's error output; past this, writes fail in the child.
DEFAULT_FILE_BYTES = 4 * 1024**3
STDERR_TAIL_BYTES = 2000


class SandboxError(Exception):
    """The work did not produce a result; the message says why (shown to staff)."""


class SandboxLimitExceeded(SandboxError):
    """The child went past a limit and was stopped. `limit` is "cpu", "memory" or "wall"."""

    def __init__(self, limit: str, message: str):
        super().__init__(message)
        self.limit = limit


class SandboxCrashed(SandboxError):
    """The child died (a signal, an exit without an answer) or its target raised an exception
    the caller did not list in `passthrough`."""


def run_limited(
    target: Callable[..., Any],
    *args: Any,
    cpu_seconds: float,
    memory_bytes: int,
    wall_seconds: float,
    file_bytes: int = DEFAULT_FILE_BYTES,
    passthrough: tuple[type[Exception], ...] = (),
    **kwargs: Any,
) -> Any:
    """Run `target(*args, **kwargs)` in a child process and return its (JSON) result.

    Raises SandboxLimitExceeded when the child used more than `cpu_seconds` of CPU time
    (all its threads together), more than `memory_bytes` of address space, or did not finish
    within `wall_seconds`; SandboxCrashed when it died or raised. An exception of a class in
    `passthrough` raised by the target is raised again here as the same class with the same
    message (classes whose constructor takes one message string)."""
    payload = pickle.dumps(
        {
            "target": target,
            "args": args,
            "kwargs": kwargs,
            "cpu_seconds": max(1, int(cpu_seconds + 0.999)),
            "memory_bytes": int(memory_bytes),
            "file_bytes": int(file_bytes),
        }
    )
    with (
        tempfile.TemporaryFile() as stdin,
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
    ):
        stdin.write(payload)
        stdin.seek(0)
        child = subprocess.Popen(
            [sys.executable, "-m", "episodes.sandbox"],
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            cwd=PROJECT_ROOT,
            env=_child_environment(),
            start_new_session=True,
            close_fds=True,
        )
        try:
            child.wait(timeout=wall_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise SandboxLimitExceeded(
                "wall", f"stopped after {wall_seconds:g} s (the time limit)"
            ) from None
        stdout.seek(0)
        answer = stdout.read(file_bytes)
        stderr.seek(0, os.SEEK_END)
        stderr.seek(max(0, stderr.tell() - STDERR_TAIL_BYTES))
        error_tail = stderr.read().decode(errors="replace").strip()
    return _result(child.returncode, answer, error_tail, cpu_seconds, passthrough)


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")])
    )
    # The answer is the child's only way back; nothing should be buffered past its exit.
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _result(returncode, answer: bytes, error_tail: str, cpu_seconds, passthrough):
    if returncode == -signal.SIGXCPU:
        # The kernel's CPU limit (SIGXCPU at the soft limit; SIGKILL a second later).
        raise SandboxLimitExceeded("cpu", f"stopped after {cpu_seconds:g} s of CPU time")
    if returncode != 0 or not answer:
        how = f"signal {-returncode}" if returncode < 0 else f"exit status {returncode}"
        raise SandboxCrashed(f"the decoder stopped ({how}) {error_tail[-300:]}".strip())
    try:
        message = json.loads(answer)
    except ValueError:
        raise SandboxCrashed("the decoder gave an unreadable answer") from None
    if not isinstance(message, dict):
        raise SandboxCrashed("the decoder gave an unreadable answer")
    if "result" in message:
        return message["result"]
    error_class = str(message.get("error", ""))
    text = str(message.get("message", ""))[:1000]
    if error_class == "MemoryError":
        raise SandboxLimitExceeded("memory", "stopped: it needed more memory than allowed")
    for allowed in passthrough:
        if error_class == f"{allowed.__module__}.{allowed.__qualname__}":
            raise allowed(text)
    raise SandboxCrashed(f"{error_class.rsplit('.', 1)[-1]}: {text}")


def _limit_self(cpu_seconds: int, memory_bytes: int, file_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child_main() -> int:
    # The answer goes to the original stdout; anything the target or a library prints goes to
    # stderr, so it cannot corrupt (or forge) the answer.
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    # The request comes from the parent, which is trusted; only the answer is untrusted.
    request = pickle.loads(sys.stdin.buffer.read())  # noqa: S301
    _limit_self(request["cpu_seconds"], request["memory_bytes"], request["file_bytes"])
    try:
        result = request["target"](*request["args"], **request["kwargs"])
        text = json.dumps({"result": result})
    except MemoryError:
        # PyAV's ENOMEM error is a MemoryError too.
        text = json.dumps({"error": "MemoryError", "message": ""})
    except Exception as exc:  # every failure is reported to the parent
        kind = type(exc)
        text = json.dumps({"error": f"{kind.__module__}.{kind.__qualname__}", "message": str(exc)})
    answer.write(text)
    answer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
