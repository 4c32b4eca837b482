"""Checkpoints where a task can be made to pause, so that a test can kill its worker mid-way
(tests/faults). Off unless the settings name the checkpoint in FAULT_CHECKPOINT_PAUSES, which only
the test settings read from the environment; in production this is one dictionary lookup."""

import time
from pathlib import Path

from django.conf import settings


def fault_checkpoint(name: str, key: object) -> None:
    pause = getattr(settings, "FAULT_CHECKPOINT_PAUSES", {}).get(name)
    if pause is None:
        return
    # Tell the test the task got here, then hold still long enough to be killed.
    Path(settings.FAULT_CHECKPOINT_DIR, f"{name}-{key}").touch()
    time.sleep(pause)
