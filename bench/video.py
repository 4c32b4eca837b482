"""Movement analysis of episode videos (episodes/movement): speed, memory and accuracy.

- `realtime_factor()`: a generated 30 s 1080p 30 fps H.264 clip analysed in a child process pinned
  to one core; seconds of video per second of analysis (wall clock and CPU time) and the child's
  peak memory (ru_maxrss). Targets: at least 10x real time, under 300 MB.
- `accuracy_grid()`: 240 seeded synthetic clips across the grid of tests/movement_clips.py
  (patterns, 0.5-12 Hz, one side or both, 24/30/60 fps, portrait and rotated, 1-4 Mbit/s, noise,
  blur, flicker, camera shake, variable frame rate, pure camera shake and still scenes).
  Targets: frequency within 0.5 Hz in 95% of good clips and within 0.3 Hz in 90%; pattern right
  in 90%; no camera-shake or still clip called rhythmic.

`python bench/video.py [realtime|accuracy] [--clips N] [--processes P | --shard I/N --rows FILE]`
prints the figures as JSON; `python bench/video.py rows FILE...` summarises the rows of sharded
runs. `make bench` runs both (bench/ratios.py), the grid in two processes.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_REALTIME = 10.0
TARGET_PEAK_MB = 300.0
GRID_CLIPS = 240
GRID_SEED = 20261201

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from episodes.movement import analyse_file
wall, cpu = time.perf_counter(), time.process_time()
result = analyse_file({path!r})
print(json.dumps({{
    "wall_s": time.perf_counter() - wall,
    "cpu_s": time.process_time() - cpu,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "quality": result["quality"],
    "pattern": result["pattern"],
    "frequency_hz": result["dominant_frequency_hz"],
}}))
"""


def _one_core():
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})


def realtime_factor(seconds: float = 30.0, size=(1920, 1080), fps: int = 30) -> dict:
    """Analyse a generated clip of `seconds` at `size` and `fps` on one core."""
    from tests.movement_clips import ClipSpec, render

    spec = ClipSpec(
        pattern="tremor",
        frequency_hz=6.5,
        amplitude=0.1,
        seconds=seconds,
        size=size,
        fps=fps,
        bitrate=4_000_000,
        noise=3.0,
        shake=3.0,
        seed=5,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip-1080p.mp4"
        started = time.perf_counter()
        render(spec, path)
        rendered_s = time.perf_counter() - started
        completed = subprocess.run(
            [sys.executable, "-c", _CHILD.format(repo=str(REPO), path=str(path))],
            capture_output=True,
            text=True,
            check=True,
            preexec_fn=_one_core,  # the figure is for one core
        )
    child = json.loads(completed.stdout.strip().splitlines()[-1])
    return {
        "clip": f"{seconds:g} s {size[0]}x{size[1]} {fps} fps H.264 4 Mbit/s",
        "clip_render_s": round(rendered_s, 1),
        "analysis_wall_s": round(child["wall_s"], 2),
        "analysis_cpu_s": round(child["cpu_s"], 2),
        "realtime_factor_wall": round(seconds / child["wall_s"], 1),
        "realtime_factor_cpu": round(seconds / child["cpu_s"], 1),
        "peak_memory_mb": round(child["peak_mb"], 1),
        "target_realtime": TARGET_REALTIME,
        "target_peak_mb": TARGET_PEAK_MB,
        "result": {k: child[k] for k in ("quality", "pattern", "frequency_hz")},
    }


def accuracy_grid(
    count: int = GRID_CLIPS,
    seed: int = GRID_SEED,
    size=(480, 270),
    *,
    shard: tuple[int, int] = (0, 1),
    rows_file: str | None = None,
    reverse: bool = False,
) -> dict:
    """The validation figures on `count` seeded synthetic clips (or the shard `(i, n)` of them:
    every n-th clip from the i-th, so several processes can share the grid). With `rows_file`,
    each clip's row is appended to it as a JSON line as soon as it is scored."""
    from episodes.movement import analyse_file
    from tests.movement_clips import grid, render, score_clip

    started = time.perf_counter()
    index, of = shard
    specs = grid(count, seed=seed, size=size)[index::of]
    if reverse:  # a second process can take the same shard from its end
        specs.reverse()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for number, spec in enumerate(specs, start=1):
            path = Path(folder) / "clip.mp4"
            render(spec, path)
            row = score_clip(spec, analyse_file(str(path)))
            rows.append(row)
            if rows_file:
                with open(rows_file, "a", encoding="utf-8") as out:
                    out.write(json.dumps(row) + "\n")
            print(f"clip {number}/{len(specs)}", file=sys.stderr, flush=True)
    summary = figures_of(rows)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    return summary


def accuracy_in_parallel(count: int = GRID_CLIPS, processes: int = 2) -> dict:
    """`accuracy_grid()` shared by `processes` child processes (every n-th clip each), so the
    full grid takes a fraction of the wall time on a machine with that many cores."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        children = []
        for index in range(processes):
            rows_file = Path(folder) / f"rows-{index}.jsonl"
            log = open(Path(folder) / f"log-{index}.txt", "w")  # noqa: SIM115 (closed below)
            command = [sys.executable, __file__, "accuracy", "--clips", str(count)]
            command += ["--shard", f"{index}/{processes}", "--rows", str(rows_file)]
            children.append(
                (subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log), log, rows_file)
            )
        rows = []
        for child, log, rows_file in children:
            child.wait()
            log.close()
            if child.returncode != 0:
                tail = Path(log.name).read_text()[-2000:]
                raise RuntimeError(f"an accuracy shard failed ({child.returncode}): {tail}")
            rows += [json.loads(line) for line in rows_file.read_text().splitlines()]
    summary = figures_of(rows)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["processes"] = processes
    return summary


def figures_of(rows: list[dict]) -> dict:
    """The summary, the misses and the targets of scored clips."""
    from tests.movement_clips import summarise

    summary = summarise(rows)
    summary["misses"] = [
        {
            "pattern": row["spec"]["pattern"],
            "truth_hz": row["spec"]["frequency_hz"],
            "fps": row["spec"]["fps"],
            "sides": row["spec"]["sides"],
            "shake": round(row["spec"]["shake"], 1),
            "quality": row["quality"],
            "measured_pattern": row["pattern"],
            "measured_hz": row["frequency_hz"],
        }
        for row in rows
        if not row["pattern_right"]
        or (row["frequency_error_hz"] is not None and row["frequency_error_hz"] > 0.3)
    ]
    summary["targets"] = {
        "frequency_within_0_5_hz": 0.95,
        "frequency_within_0_3_hz": 0.90,
        "pattern_right": 0.90,
        "controls_called_rhythmic": 0,
    }
    return summary


def main(argv: list[str]) -> dict:
    if argv[:1] == ["rows"]:  # summarise rows files written by --rows
        rows = [
            json.loads(line) for name in argv[1:] for line in Path(name).read_text().splitlines()
        ]
        return {"video_accuracy": figures_of(rows)}
    which = [a for a in argv if a in ("realtime", "accuracy")] or ["realtime", "accuracy"]

    def option(name, default):
        return argv[argv.index(name) + 1] if name in argv else default

    count = int(option("--clips", GRID_CLIPS))
    index, of = (int(part) for part in option("--shard", "0/1").split("/"))
    figures = {}
    if "realtime" in which:
        figures["video_realtime"] = realtime_factor()
    if "accuracy" in which and "--processes" in argv:
        figures["video_accuracy"] = accuracy_in_parallel(count, int(option("--processes", 2)))
    elif "accuracy" in which:
        figures["video_accuracy"] = accuracy_grid(
            count, shard=(index, of), rows_file=option("--rows", None), reverse="--reverse" in argv
        )
    return figures


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), indent=2))
