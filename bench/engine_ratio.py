"""Engine time per case as a multiple of a ``json.loads(json.dumps(case))`` round trip.

The ratio, not cases per second, is the figure: it travels between machines and survives a
loaded one. Batches of the same cases are timed interleaved (round trip, then each ruleset), many
times; the median of the per-batch ratios is reported. Target for 2.0.0: at most 4.
"""

import json
import statistics
import time

from engine import synthetic_cases

from assessments.engine import score

TARGET_RATIO = 4.0


def _time(function, cases) -> float:
    started = time.perf_counter()
    for case in cases:
        function(case)
    return time.perf_counter() - started


def engine_json_ratio(rounds: int = 40, batch: int = 100, count: int = 2000) -> dict:
    cases = synthetic_cases(count)
    for case in cases[:200]:
        score(case, ruleset="1.0.0")
        score(case, ruleset="2.0.0")

    def round_trip(case):
        return json.loads(json.dumps(case))

    def v1(case):
        return score(case, ruleset="1.0.0")

    def v2(case):
        return score(case, ruleset="2.0.0")

    ratios: dict[str, list[float]] = {"1.0.0": [], "2.0.0": []}
    for number in range(rounds):
        start = (number * batch) % (count - batch)
        chunk = cases[start : start + batch]
        base = _time(round_trip, chunk)
        ratios["1.0.0"].append(_time(v1, chunk) / base)
        ratios["2.0.0"].append(_time(v2, chunk) / base)
        base_again = _time(round_trip, chunk)
        # A round whose two round-trip timings disagree by more than 30% was disturbed.
        if abs(base_again - base) > 0.3 * base:
            ratios["1.0.0"].pop()
            ratios["2.0.0"].pop()
    return {
        "figure": "engine time per case / JSON round trip (median of interleaved batches)",
        "rounds_kept": len(ratios["2.0.0"]),
        "1.0.0": round(statistics.median(ratios["1.0.0"]), 2),
        "2.0.0": round(statistics.median(ratios["2.0.0"]), 2),
        "target_2.0.0": TARGET_RATIO,
    }


if __name__ == "__main__":
    print(json.dumps(engine_json_ratio(), indent=2))
