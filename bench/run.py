"""Run every benchmark, print one table (figure, value, target, ratio), write bench/results.json.

A new benchmark is a function returning ``{"figure", "value", "target", "ratio"}``, added to
``BENCHMARKS``.
"""

import json
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))

from engine import bench_engine  # noqa: E402 - needs the project root on the path first

BENCHMARKS = [bench_engine]


def main() -> list[dict]:
    rows = [benchmark() for benchmark in BENCHMARKS]
    width = max(len(row["figure"]) for row in rows)
    print(f"{'figure':<{width}}  {'value':>10}  {'target':>10}  {'ratio':>6}")
    for row in rows:
        print(
            f"{row['figure']:<{width}}  {row['value']:>10}  {row['target']:>10}  {row['ratio']:>6}"
        )
    (BENCH_DIR / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    return rows


if __name__ == "__main__":
    main()
