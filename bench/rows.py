"""The rows of bench/results.json and of the printed table.

A goal row compares a figure with a baseline measured in the same run, interleaved with it
(A, B, A, B ...): the ratio is computed per round and the median round's ratio is reported, so a
burst of other work on the machine moves both sides of a round together. Information rows carry
an absolute figure (these machines differ by 2-3x, so they have no goal).
"""

import statistics
from collections.abc import Callable


def ratio_row(
    *,
    id: str,
    figure: str,
    rounds: list[dict],
    goal: str,
    met: Callable[[float], bool],
    note: str = "",
) -> dict:
    """`rounds`: one {"value", "baseline", ...raw figures} per round; ratio = value / baseline."""
    for entry in rounds:
        entry["ratio"] = round(entry["value"] / entry["baseline"], 3) if entry["baseline"] else None
    ratios = [entry["ratio"] for entry in rounds if entry["ratio"] is not None]
    ratio = round(statistics.median(ratios), 2) if ratios else None
    return {
        "id": id,
        "figure": figure,
        "value": round(statistics.median(entry["value"] for entry in rounds), 2),
        "baseline": round(statistics.median(entry["baseline"] for entry in rounds), 2),
        "ratio": ratio,
        "goal": goal,
        "met": ratio is not None and met(ratio),
        "rounds": rounds,
        "note": note,
    }


def info_row(id: str, figure: str, value, *, rounds: list | None = None, note: str = "") -> dict:
    return {
        "id": id,
        "figure": figure,
        "value": value,
        "baseline": "",
        "ratio": "",
        "goal": "",
        "met": None,
        "rounds": rounds or [],
        "note": note,
    }


def check_row(id: str, figure: str, value, *, goal: str, met: bool, note: str = "") -> dict:
    return {**info_row(id, figure, value, note=note), "goal": goal, "met": met}


def _rounds_text(row: dict) -> str:
    if row["rounds"] and isinstance(row["rounds"][0], dict) and "ratio" in row["rounds"][0]:
        return " ".join(f"{entry['ratio']:.2f}" for entry in row["rounds"] if entry["ratio"])
    return " ".join(str(value) for value in row["rounds"])


def table(rows: list[dict]) -> str:
    """The printed table: the same columns as results.json, per-round ratios (or raw figures)."""
    columns = ["id", "figure", "value", "baseline", "ratio", "goal", "met", "rounds"]
    cells = [
        [
            row["id"],
            row["figure"] + (f" [{row['note']}]" if row.get("note") else ""),
            str(row["value"]),
            str(row["baseline"]),
            "" if row["ratio"] in ("", None) else f"{row['ratio']}x",
            row["goal"],
            {True: "yes", False: "NO", None: ""}[row["met"]],
            _rounds_text(row),
        ]
        for row in rows
    ]
    widths = [
        max(len(column), *(len(line[n]) for line in cells)) for n, column in enumerate(columns)
    ]
    lines = ["  ".join(column.ljust(widths[n]) for n, column in enumerate(columns))]
    lines += ["  ".join(cell.ljust(widths[n]) for n, cell in enumerate(line)) for line in cells]
    return "\n".join(line.rstrip() for line in lines)


def markdown(rows: list[dict]) -> str:
    """The same table for docs/scaling.md and bench/README.md."""
    lines = [
        "| id | figure | value | baseline | ratio | goal | met | rounds |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        figure = row["figure"] + (f" ({row['note']})" if row.get("note") else "")
        ratio = "" if row["ratio"] in ("", None) else f"{row['ratio']}x"
        met = {True: "yes", False: "**no**", None: ""}[row["met"]]
        lines.append(
            f"| {row['id']} | {figure} | {row['value']} | {row['baseline']} | {ratio} | "
            f"{row['goal']} | {met} | {_rounds_text(row)} |"
        )
    return "\n".join(lines)
