"""Counts of what the attack suites tried, printed at the end of the run (conftest.py)."""

from collections import Counter

TRIED: Counter = Counter()
