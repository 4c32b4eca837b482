"""Movement analysis of episode videos: no Django import, so it runs from the command line too."""

from episodes.movement.analysis import (
    ALGORITHM_VERSION,
    PATTERNS,
    analyse_file,
    unusable,
)
from episodes.movement.flow import Unreadable
from episodes.movement.words import describe

__all__ = ["ALGORITHM_VERSION", "PATTERNS", "Unreadable", "analyse_file", "describe", "unusable"]
