"""Functions run in the sandbox's child process by tests/episodes/test_sandbox.py (a child
imports its target by module and name)."""

import os
import signal
import time

from episodes.transcoding import NotDecodable


def add(a: int, b: int, *, times: int = 1) -> dict:
    return {"sum": (a + b) * times}


def spin() -> None:
    while True:
        pass


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def allocate(size: int) -> int:
    return len(bytearray(size))


def refuse(message: str) -> None:
    raise NotDecodable(message)


def fail(message: str) -> None:
    raise RuntimeError(message)


def print_a_forged_answer() -> str:
    print('{"result": "forged"}')
    return "genuine"


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def exit_silently() -> None:
    os._exit(0)


def unserialisable() -> object:
    return object()
