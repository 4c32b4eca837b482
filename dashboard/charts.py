"""Small SVG charts computed on the server: the template only draws the shapes it is given."""

import math
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


LAB_WIDTH = 600
LAB_HEIGHT = 240
LAB_LEFT = 64  # room for the y axis' tick labels and title
LAB_RIGHT = 16
LAB_TOP = 16
LAB_BOTTOM = 52  # room for the x axis' tick labels and title


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the full reading, for the tooltip
    value_label: str  # the value printed beside the point
    flag: str


@dataclass(frozen=True)
class Band:
    """A range of values that means low or critical at the infant's age, over the stretch of
    time where those thresholds applied."""

    x: float
    y: float
    width: float
    height: float
    kind: str  # "low" or "critical"
    label: str


@dataclass(frozen=True)
class AxisTick:
    position: float
    label: str


@dataclass(frozen=True)
class LabChart:
    title: str
    unit: str
    points: list
    bands: list
    y_ticks: list
    x_ticks: list
    x_title: str
    summary: str
    width: int = LAB_WIDTH
    height: int = LAB_HEIGHT
    left: int = LAB_LEFT
    right_edge: int = LAB_WIDTH - LAB_RIGHT
    top: int = LAB_TOP
    baseline: int = LAB_HEIGHT - LAB_BOTTOM

    @property
    def y_title_y(self) -> float:
        return (self.top + self.baseline) / 2

    @property
    def x_title_x(self) -> float:
        return (self.left + self.right_edge) / 2


def lab_chart(title: str, readings: list[dict], *, unit: str, hours_of_life: bool) -> LabChart:
    """Results over time against the infant's own thresholds (they change with age in hours),
    drawn as shaded bands. Each reading: at, age_hours, value (in `unit`), flag, thresholds
    [(kind, value)]. Neonates' time axis is hours of life; older infants' is the date."""
    readings = sorted(readings, key=lambda r: r["at"])
    values = [r["value"] for r in readings] + [v for r in readings for _, v in r["thresholds"]]
    y_max = _nice_ceiling(max([*values, 1]) * 1.15)
    width = LAB_WIDTH - LAB_LEFT - LAB_RIGHT
    height = LAB_HEIGHT - LAB_TOP - LAB_BOTTOM
    first, last = (readings[0], readings[-1]) if readings else ({}, {})
    span = max((last["at"] - first["at"]).total_seconds(), 1) if readings else 1

    def x_of(reading) -> float:
        if len(readings) == 1:
            return round(LAB_LEFT + width / 2, 1)
        fraction = (reading["at"] - first["at"]).total_seconds() / span
        return round(LAB_LEFT + width * (0.05 + 0.9 * fraction), 1)

    def y_of(value: float) -> float:
        return round(LAB_TOP + height - height * min(value, y_max) / y_max, 1)

    xs = [x_of(r) for r in readings]
    points, bands, x_ticks = [], [], []
    for i, reading in enumerate(readings):
        x = xs[i]
        left = LAB_LEFT if i == 0 else (xs[i - 1] + x) / 2
        right = LAB_WIDTH - LAB_RIGHT if i == len(readings) - 1 else (x + xs[i + 1]) / 2
        floor = 0.0
        for kind, limit in sorted(reading["thresholds"], key=lambda t: t[1]):
            top, bottom = y_of(limit), y_of(floor)
            bands.append(
                Band(
                    x=round(left, 1),
                    y=top,
                    width=round(right - left, 1),
                    height=round(bottom - top, 1),
                    kind=kind,
                    label=f"{kind} below {limit:g} {unit} at this age",
                )
            )
            floor = limit
        when = _time_label(reading, hours_of_life)
        points.append(
            Point(
                x=x,
                y=y_of(reading["value"]),
                flag=reading["flag"],
                value_label=f"{reading['value']:g}",
                label=f"{when}: {reading['value']:g} {unit} ({reading['flag']})",
            )
        )
        x_ticks.append(AxisTick(position=x, label=when))
    y_ticks = [
        AxisTick(position=y_of(y_max * step / 4), label=f"{y_max * step / 4:g}")
        for step in range(5)
    ]
    summary = f"{len(readings)} result{'s' if len(readings) != 1 else ''}"
    if readings:
        summary += f", latest {readings[-1]['value']:g} {unit} ({readings[-1]['flag']})"
    return LabChart(
        title=title,
        unit=unit,
        points=points,
        bands=bands,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        x_title="Hours of life" if hours_of_life else "Date and time collected",
        summary=summary,
    )


def _time_label(reading: dict, hours_of_life: bool) -> str:
    if hours_of_life:
        return f"{reading['age_hours']:.0f} h"
    return f"{reading['at']:%d %b %H:%M}"


def _nice_ceiling(value: float) -> float:
    """The axis top: the next 1, 2, 2.5 or 5 times a power of ten above `value`."""
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude
