"""The sandbox: work on untrusted bytes runs in a child process, and the caller gets its result
or a named error within the limits, whatever the work does."""

import time

import pytest

from episodes.sandbox import SandboxCrashed, SandboxLimitExceeded, run_limited
from episodes.transcoding import NotDecodable
from tests.episodes import sandbox_targets as targets

GENEROUS = {"cpu_seconds": 30, "memory_bytes": 1024**3, "wall_seconds": 60}


def test_the_result_comes_back_from_the_child():
    assert run_limited(targets.add, 2, 3, times=4, **GENEROUS) == {"sum": 20}


def test_a_spinning_child_is_stopped_at_its_cpu_limit():
    started = time.monotonic()
    with pytest.raises(SandboxLimitExceeded) as refused:
        run_limited(targets.spin, cpu_seconds=1, memory_bytes=1024**3, wall_seconds=30)
    assert refused.value.limit == "cpu"
    assert time.monotonic() - started < 10


def test_a_waiting_child_is_stopped_at_its_wall_limit():
    started = time.monotonic()
    with pytest.raises(SandboxLimitExceeded) as refused:
        run_limited(targets.sleep, 60, cpu_seconds=5, memory_bytes=1024**3, wall_seconds=1)
    assert refused.value.limit == "wall"
    assert time.monotonic() - started < 5


def test_a_child_allocating_past_its_memory_limit_is_stopped():
    with pytest.raises(SandboxLimitExceeded) as refused:
        run_limited(
            targets.allocate,
            2 * 1024**3,
            cpu_seconds=10,
            memory_bytes=512 * 1024**2,
            wall_seconds=30,
        )
    assert refused.value.limit == "memory"


def test_an_expected_exception_is_raised_again_as_its_own_class():
    with pytest.raises(NotDecodable, match="no video track"):
        run_limited(targets.refuse, "no video track", passthrough=(NotDecodable,), **GENEROUS)


def test_any_other_exception_is_a_crash_naming_it():
    with pytest.raises(SandboxCrashed, match="RuntimeError: decoder confused"):
        run_limited(targets.fail, "decoder confused", passthrough=(NotDecodable,), **GENEROUS)


@pytest.mark.parametrize("target", [targets.crash, targets.exit_silently, targets.unserialisable])
def test_a_child_dying_or_answering_nothing_readable_is_a_crash(target):
    with pytest.raises(SandboxCrashed):
        run_limited(target, **GENEROUS)


def test_what_the_child_prints_cannot_forge_its_answer():
    assert run_limited(targets.print_a_forged_answer, **GENEROUS) == "genuine"
