"""The movement analysis drawn on the server as SVG shapes (as dashboard/charts.py does): the
motion trace over time with the bursts marked, and the spectrum with its peak labelled. The
template only draws what it is given."""

from dataclasses import dataclass

from episodes.models import MovementAnalysis

WIDTH = 600
HEIGHT = 170
LEFT = 74
RIGHT = 12
TOP = 14
BOTTOM = 30


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Span:
    x: float
    width: float
    label: str


@dataclass(frozen=True)
class Peak:
    x: float
    y: float
    label: str
    anchor: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Plot:
    title: str
    caption: str
    path: str
    ticks: list
    y_top_label: str
    y_bottom_label: str
    x_label: str
    spans: list
    peak: Peak | None = None
    zero_y: float | None = None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM

    @property
    def inner_height(self) -> int:
        return self.baseline - self.top


def _x(value: float, span: float) -> float:
    return round(LEFT + (WIDTH - LEFT - RIGHT) * value / span, 1) if span else float(LEFT)


def _path(points) -> str:
    return " ".join(
        f"{'M' if index == 0 else 'L'}{x:.1f},{y:.1f}" for index, (x, y) in enumerate(points)
    )


def _seconds_ticks(duration: float) -> list[Tick]:
    step = next(s for s in (1, 2, 5, 10, 15, 30, 60) if duration / s <= 8)
    return [
        Tick(x=_x(t, duration), label=f"{t:g} s")
        for t in [i * step for i in range(int(duration // step) + 1)]
    ]


def trace(analysis: MovementAnalysis) -> Plot | None:
    """Displacement of the main moving limb over time, bursts shaded."""
    values = analysis.signal.get("values") or []
    rate = analysis.signal.get("rate_hz")
    if not values or not rate:
        return None
    duration = len(values) / rate
    peak = max(max(abs(v) for v in values), 1e-6)
    usable = (HEIGHT - TOP - BOTTOM) / 2
    middle = TOP + usable
    points = [
        (_x(index / rate, duration), middle - usable * value / peak)
        for index, value in enumerate(values)
    ]
    spans = [
        Span(
            x=_x(burst["start_s"], duration),
            width=max(1.5, _x(burst["end_s"], duration) - _x(burst["start_s"], duration)),
            label=(
                f"Burst {burst['start_s']:.1f}-{burst['end_s']:.1f} s"
                + (
                    f", about {burst['peak_frequency_hz']:.1f} per second"
                    if burst.get("peak_frequency_hz")
                    else ""
                )
            ),
        )
        for burst in analysis.bursts
    ]
    count = len(analysis.bursts)
    share = round(100 * peak)
    return Plot(
        title="Movement over time",
        caption=(
            f"{count} movement burst{'s' if count != 1 else ''} (shaded)"
            f" in {analysis.analysed_seconds:.0f} s; the line is how far the most moving limb"
            " is from where it rests"
        ),
        path=_path(points),
        ticks=_seconds_ticks(duration),
        y_top_label=f"+{share}% of limb",
        y_bottom_label=f"-{share}%",
        x_label="time",
        spans=spans,
        zero_y=round(middle, 1),
    )


def spectrum(analysis: MovementAnalysis) -> Plot | None:
    """How much of the movement happens at each rate, with the measured peak labelled."""
    freqs = analysis.spectrum.get("frequencies_hz") or []
    power = analysis.spectrum.get("power") or []
    if not freqs:
        return None
    top = max(15.0, freqs[-1]) if freqs[-1] > 15 else 15.0
    usable = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    points = [(_x(f, top), baseline - usable * p) for f, p in zip(freqs, power, strict=True)]
    mark = None
    frequency = analysis.dominant_frequency_hz
    if frequency is not None:
        nearest = min(range(len(freqs)), key=lambda i: abs(freqs[i] - frequency))
        x = _x(frequency, top)
        y = round(baseline - usable * power[nearest], 1)
        on_right = x > WIDTH * 0.7
        mark = Peak(
            x=x,
            y=y,
            label=f"peak: {frequency:.1f} per second",
            anchor="end" if on_right else "start",
            # Beside the peak, not above it, where the frame would cut it off.
            label_x=round(x - 8 if on_right else x + 8, 1),
            label_y=round(min(max(y + 4, TOP + 10), baseline - 4), 1),
        )
    ticks = [Tick(x=_x(f, top), label=f"{f:g}") for f in range(0, int(top) + 1, 3)]
    rhythm = analysis.rhythmicity
    return Plot(
        title="Rhythm (spectrum)",
        caption=(
            f"a sharp single peak means a steady rhythm; the peak holds {rhythm:.0%} of the"
            " movement"
            if rhythm is not None
            else "no spectrum"
        ),
        path=_path(points),
        ticks=ticks,
        y_top_label="most",
        y_bottom_label="0",
        x_label="per second (Hz)",
        spans=[],
        peak=mark,
    )


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class MovementPanel:
    """Everything the staff pages show of a video's movement analysis."""

    analysis: MovementAnalysis | None
    summary: str
    measured: bool
    figures: list
    trace: Plot | None
    spectrum: Plot | None
    use_in_review_url: str | None


def _figures(analysis: MovementAnalysis) -> list[Figure]:
    from episodes.movement.words import FAST_SLOW_FROM, amplitude_words, side_words

    figures = [Figure("Pattern", analysis.get_pattern_display() or "none")]
    if analysis.dominant_frequency_hz is not None:
        steady = "steady" if (analysis.rhythmicity or 0) >= 0.4 else "not steady"
        figures.append(
            Figure(
                "Rate",
                f"about {analysis.dominant_frequency_hz:.1f} per second (Hz), {steady}"
                f" (rhythmicity {analysis.rhythmicity:.2f})",
            )
        )
    if analysis.waveform_asymmetry is not None:
        shape = (
            "a fast and a slow phase"
            if analysis.waveform_asymmetry >= FAST_SLOW_FROM
            else "equal back-and-forth"
        )
        figures.append(Figure("Rise and fall", f"{shape} ({analysis.waveform_asymmetry:.2f})"))
    if analysis.side_asymmetry is not None:
        figures.append(
            Figure(
                "Side",
                f"{side_words(analysis.side_asymmetry)} ({analysis.side_asymmetry:+.2f}; left and"
                " right as the picture shows them, not the infant's own)",
            )
        )
    if analysis.amplitude_index is not None:
        figures.append(
            Figure(
                "Size",
                f"{amplitude_words(analysis.amplitude_index)} ({analysis.amplitude_index:.2f}"
                " of the limb's size)",
            )
        )
    count = len(analysis.bursts)
    clustered = ", in a cluster" if analysis.bursts_clustered else ""
    figures.append(Figure("Bursts", f"{count}{clustered}"))
    figures.append(
        Figure(
            "Measured",
            f"{analysis.analysed_seconds:.0f} s of video, quality {analysis.quality}"
            f"{': ' + ', '.join(analysis.quality_reasons) if analysis.quality_reasons else ''}"
            f", algorithm {analysis.algorithm_version}",
        )
    )
    return figures


def panel(video, *, review_url: str | None) -> MovementPanel:
    """The movement analysis of `video` for a staff page; `review_url` is the episode page
    whose review form "Use in review" fills (None where the reader cannot review)."""
    analysis = video.movement_analysis
    if analysis is None:
        waiting = video.state in ("uploaded", "processing", "ready")
        return MovementPanel(
            analysis=None,
            summary=(
                "The movement is being measured." if waiting else "The video was not measured."
            ),
            measured=False,
            figures=[],
            trace=None,
            spectrum=None,
            use_in_review_url=None,
        )
    use_url = None
    if review_url and analysis.review_suggestion:
        use_url = f"{review_url}?use_movement={analysis.uuid}#review"
    good = analysis.quality == "good"
    return MovementPanel(
        analysis=analysis,
        summary=analysis.summary,
        measured=good,
        figures=_figures(analysis),
        trace=trace(analysis) if good else None,
        spectrum=spectrum(analysis) if good else None,
        use_in_review_url=use_url,
    )


@dataclass(frozen=True)
class CaseVideo:
    video: object
    episode: object
    movement: MovementPanel


def case_video(videos, *, can_review: bool) -> CaseVideo | None:
    """The infant's most recent playable video with its movement analysis, for the case page.
    `videos` is the reader's visible videos of that infant (episodes.selectors)."""
    from django.urls import reverse

    video = (
        videos.exclude(state="failed")
        .select_related("episode")
        .prefetch_related("movement_analyses")
        .order_by("-episode__started_at", "-created_at")
        .first()
    )
    if video is None:
        return None
    review_url = reverse("episodes:detail", kwargs={"episode_uuid": video.episode.uuid})
    return CaseVideo(
        video=video,
        episode=video.episode,
        movement=panel(video, review_url=review_url if can_review else None),
    )
