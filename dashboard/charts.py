"""Small SVG charts computed on the server: the template only draws the shapes it is given."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

WIDTH = 600
HEIGHT = 160
MARGIN = 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list
    y_max: float
    y_label: str
    x_first: str
    x_last: str
    summary: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> float:
        return HEIGHT - MARGIN


def daily_bars(
    title: str, values_by_day: dict[date, float], *, end: date, days: int, y_label: str, unit: str
) -> Chart:
    """One bar a day for the last `days` days ending on `end`, scaled to the largest value."""
    first = end - timedelta(days=days - 1)
    span = [first + timedelta(days=i) for i in range(days)]
    y_max = max([values_by_day.get(day, 0) for day in span] + [1])
    slot = (WIDTH - 2 * MARGIN) / days
    usable = HEIGHT - 2 * MARGIN
    bars = []
    for i, day in enumerate(span):
        value = values_by_day.get(day, 0)
        height = usable * value / y_max
        bars.append(
            Bar(
                x=round(MARGIN + i * slot + 1, 1),
                y=round(HEIGHT - MARGIN - height, 1),
                width=round(max(slot - 2, 1), 1),
                height=round(height, 1),
                label=f"{day:%d %b}: {value:g} {unit}",
            )
        )
    total = sum(values_by_day.get(day, 0) for day in span)
    return Chart(
        title=title,
        bars=bars,
        y_max=y_max,
        y_label=y_label,
        x_first=f"{first:%d %b}",
        x_last=f"{end:%d %b}",
        summary=f"{total:g} {unit} over {days} days",
    )


def episodes_per_day(started: list[datetime], *, end: date, days: int = 30) -> Chart:
    counts: dict[date, float] = {}
    for moment in started:
        counts[moment.date()] = counts.get(moment.date(), 0) + 1
    return daily_bars(
        "Episodes per day", counts, end=end, days=days, y_label="episodes", unit="episodes"
    )


def duration_per_day(episodes: list[tuple[datetime, int | None]], *, end: date, days: int = 30):
    longest: dict[date, float] = {}
    for moment, seconds in episodes:
        if seconds:
            longest[moment.date()] = max(longest.get(moment.date(), 0), seconds)
    return daily_bars(
        "Longest episode per day", longest, end=end, days=days, y_label="seconds", unit="s"
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    flag: str


@dataclass(frozen=True)
class Tick:
    x1: float
    x2: float
    y: float
    label: str
    kind: str  # "low" or "critical"


@dataclass(frozen=True)
class LabChart:
    title: str
    unit: str
    points: list
    ticks: list
    y_max: float
    summary: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> float:
        return HEIGHT - MARGIN


def lab_chart(title: str, readings: list[dict], *, unit: str) -> LabChart:
    """Results over time against the infant's own thresholds at each collection (they change
    with age in hours). Each reading: at, value (in `unit`), flag, thresholds [(kind, value)]."""
    readings = sorted(readings, key=lambda r: r["at"])
    values = [r["value"] for r in readings] + [
        value for r in readings for _, value in r["thresholds"]
    ]
    y_max = max([*values, 1]) * 1.15
    usable_w = WIDTH - 2 * MARGIN
    usable_h = HEIGHT - 2 * MARGIN
    if readings:
        start, end = readings[0]["at"], readings[-1]["at"]
        span = max((end - start).total_seconds(), 1)
    points, ticks = [], []
    for reading in readings:
        fraction = (reading["at"] - start).total_seconds() / span if len(readings) > 1 else 0.5
        x = round(MARGIN + usable_w * fraction, 1)

        def y_of(value: float) -> float:
            return round(HEIGHT - MARGIN - usable_h * value / y_max, 1)

        points.append(
            Point(
                x=x,
                y=y_of(reading["value"]),
                flag=reading["flag"],
                label=(
                    f"{reading['at']:%d %b %H:%M}: {reading['value']:g} {unit} ({reading['flag']})"
                ),
            )
        )
        for kind, value in reading["thresholds"]:
            ticks.append(
                Tick(x1=x - 8, x2=x + 8, y=y_of(value), kind=kind, label=f"{kind} below {value:g}")
            )
    summary = f"{len(readings)} result{'s' if len(readings) != 1 else ''}"
    return LabChart(
        title=title, unit=unit, points=points, ticks=ticks, y_max=round(y_max, 1), summary=summary
    )
