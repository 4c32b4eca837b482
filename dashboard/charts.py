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
