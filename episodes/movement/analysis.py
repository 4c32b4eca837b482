"""Measure the movement in a phone video of an episode: frequency, rhythm, waveform, amplitude,
side and bursts.

The steps (1-3 in flow.py, the rest below):
1. decode with PyAV at reduced size (long side ANALYSIS_LONG_SIDE px, the first MAX_SECONDS s,
   at most MAX_ANALYSIS_RATE pictures a second), turned as the phone's rotation metadata says;
2. dense optical flow between consecutive pictures (OpenCV's DIS);
3. the camera's own motion removed: an affine motion fitted robustly to the whole picture's flow
   and subtracted, leaving what moves in the scene;
4. moving regions found from motion energy (the mean residual flow), the two largest kept;
5. a displacement signal per region (its flow integrated over time on its main axis);
6. Welch spectra of the displacement (whole clip and per burst) with scipy.signal;
7. the figures and a pattern from them.

No Django here: `python manage.py analyse_video FILE` and the worker call `analyse_file` alike.
"""

import math
from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage, signal

from episodes import transcoding
from episodes.movement.flow import CELL, MAX_ANALYSIS_RATE, _Flow, _read_flow

ALGORITHM_VERSION = "1.1.0"

BAND_HZ = (0.4, 15.0)  # where movement frequencies are looked for
MIN_SECONDS = 3.0
TOO_DARK = 40.0  # mean grey level (0-255) under which the picture is too dark to measure well
UNUSABLY_DARK = 15.0
CAMERA_TOO_FAST = 2.5  # median camera motion, analysis pixels per picture (about 25% a second)
MOTION_FLOOR = 0.06  # mean residual flow (pixels per picture) under which nothing moves
RHYTHMIC = 0.30  # rhythmicity from which a sustained movement is called rhythmic
SUSTAINED_SHARE = 0.75  # or a movement that fills this share of the clip
TREMOR_FROM_HZ = 3.0  # rhythmic and at least this fast: tremor-like; slower: clonic-like
SPASM_FROM_S = 0.9  # a movement burst this long or longer (and not rhythmic) is spasm-like
PLOT_SPECTRUM_HZ = 15.0
PLOT_POINTS = 600
PATTERNS = ("tremor_like", "clonic_like", "myoclonic_like", "spasm_like", "no_rhythmic_movement")


@dataclass
class _Region:
    cells: np.ndarray  # boolean mask on the cell grid
    energy: float
    centre_x: float  # 0 (left edge of the picture) .. 1 (right edge)
    size_px: float  # the region's long extent in analysis pixels


def _components(mask: np.ndarray, energy: np.ndarray) -> list[_Region]:
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8
    )
    found = []
    for label in range(1, count):
        if stats[label, cv2.CC_STAT_AREA] < 4:
            continue
        cells = labels == label
        found.append(
            _Region(
                cells=cells,
                energy=float(energy[cells].sum()),
                centre_x=float(centroids[label][0] / energy.shape[1]),
                size_px=float(
                    max(stats[label, cv2.CC_STAT_WIDTH], stats[label, cv2.CC_STAT_HEIGHT]) * CELL
                ),
            )
        )
    found.sort(key=lambda region: region.energy, reverse=True)
    return found


def _split(region: _Region, energy: np.ndarray, threshold: float) -> list[_Region]:
    """Two limbs whose moving areas touch make one region: raise the threshold within it until
    it falls apart into two parts of comparable energy, if it ever does."""
    inside = np.where(region.cells, energy, 0.0)
    level = threshold
    top = float(inside.max())
    while level < top:
        level *= 1.25
        parts = _components(inside > level, inside)
        if len(parts) >= 2 and parts[1].energy >= 0.2 * parts[0].energy:
            return parts[:2]
    return [region]


def _regions(energy: np.ndarray, floor: float) -> list[_Region]:
    """The moving regions from the motion energy map, the most energetic first."""
    threshold = max(MOTION_FLOOR, 4.0 * floor, 0.2 * float(np.percentile(energy, 99.5)))
    above = (energy > threshold).astype(np.uint8)
    mask = cv2.morphologyEx(above, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    found = _components(mask, energy)
    if found and (len(found) == 1 or found[1].energy < 0.1 * found[0].energy):
        found = _split(found[0], energy, threshold) + found[1:]
    return found


def _uniform(times: np.ndarray, values: np.ndarray, rate: float) -> tuple[np.ndarray, np.ndarray]:
    grid = np.arange(times[0], times[-1], 1.0 / rate)
    return grid, np.interp(grid, times, values)


def _displacement(residual: np.ndarray, region: _Region, times, rate) -> np.ndarray:
    """The region's movement along its main axis, in analysis pixels, on a uniform time grid.

    Each picture pair's velocity is the flow of the region's cells weighted by their speed, so
    the moving limb counts and the still background around it hardly does."""
    flows = residual[:, region.cells, :].astype(np.float32)  # (pairs, cells, 2)
    speed = np.linalg.norm(flows, axis=2)
    weights = speed / np.maximum(speed.sum(axis=1, keepdims=True), 1e-6)
    velocity = (flows * weights[..., None]).sum(axis=1)  # (pairs, 2)
    centred = velocity - velocity.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    along = velocity @ axes[0]
    position = np.cumsum(along)
    _, uniform = _uniform(times, position, rate)
    return uniform


def _speed(residual: np.ndarray, chunk: int = 64) -> np.ndarray:
    """Each cell's residual speed per picture pair, (pairs, rows, cols) float32, computed a few
    pairs at a time so that no float32 copy of the whole flow is ever held."""
    speed = np.empty(residual.shape[:3], np.float32)
    for begin in range(0, len(residual), chunk):
        part = residual[begin : begin + chunk].astype(np.float32)
        speed[begin : begin + chunk] = np.sqrt(np.add.reduce(part * part, axis=3))
    return speed


def _highpass(values: np.ndarray, rate: float, cutoff: float) -> np.ndarray:
    if len(values) < 16:
        return values - values.mean()
    sos = signal.butter(2, cutoff, btype="highpass", fs=rate, output="sos")
    return signal.sosfiltfilt(sos, values)


def _spectrum(values: np.ndarray, rate: float) -> tuple[np.ndarray, np.ndarray]:
    segment = int(min(len(values), round(8.0 * rate)))
    nfft = max(segment, int(2 ** math.ceil(math.log2(rate * 20))))
    return signal.welch(
        values,
        fs=rate,
        window="hann",
        nperseg=segment,
        noverlap=segment // 2,
        nfft=nfft,
        detrend="linear",
    )


def _band(freqs: np.ndarray, rate: float) -> np.ndarray:
    return (freqs >= BAND_HZ[0]) & (freqs <= min(BAND_HZ[1], 0.45 * rate))


def _peak(freqs: np.ndarray, power: np.ndarray, rate: float) -> tuple[float | None, float]:
    """The spectral peak (interpolated) and its share of the band's power (rhythmicity)."""
    band = _band(freqs, rate)
    if not band.any() or power[band].sum() <= 0:
        return None, 0.0
    indices = np.flatnonzero(band)
    best = int(indices[np.argmax(power[band])])
    step = freqs[1] - freqs[0]
    # A strong peak at half the frequency is the fundamental (the peak found is a harmonic).
    half = round(best / 2)
    if band[half] and half != best:
        around = slice(max(half - 2, 0), half + 3)
        candidate = around.start + int(np.argmax(power[around]))
        if band[candidate] and power[candidate] >= 0.5 * power[best]:
            best = candidate
    frequency = float(freqs[best])
    if 0 < best < len(power) - 1:
        left, centre, right = power[best - 1], power[best], power[best + 1]
        denominator = left - 2 * centre + right
        if denominator < 0:
            frequency += float(0.5 * (left - right) / denominator * step)
    width = max(0.3, 0.08 * frequency)
    near = band & (np.abs(freqs - frequency) <= width)
    share = float(power[near].sum() / power[band].sum())
    return frequency, share


def _activity(displacement: np.ndarray, rate: float) -> np.ndarray:
    """How far the region is from its resting place, smoothed over 0.3 s: high while it moves
    and while it is held away from rest (a spasm), low at rest."""
    window = max(3, round(6.0 * rate) | 1)
    rest = ndimage.median_filter(displacement, size=window, mode="nearest")
    away = np.abs(displacement - rest)
    return ndimage.maximum_filter1d(away, size=max(1, round(0.3 * rate)), mode="nearest")


def _bursts(activity: np.ndarray, noise_px: float, rate: float) -> list[tuple[int, int]]:
    threshold = max(3.0 * noise_px, 0.3 * float(np.percentile(activity, 99)))
    above = activity > threshold
    edges = np.flatnonzero(np.diff(np.concatenate([[0], above.astype(np.int8), [0]])))
    spans = list(zip(edges[::2], edges[1::2], strict=True))
    merged: list[list[int]] = []
    for begin, end in spans:
        if merged and begin - merged[-1][1] < 0.15 * rate:
            merged[-1][1] = end
        else:
            merged.append([begin, end])
    return [(b, e) for b, e in merged if (e - b) >= 0.1 * rate]


def _waveform_asymmetry(displacement: np.ndarray, rate: float, frequency: float) -> float:
    """0 when rise and fall take equal time (a tremor), towards 1 when one is much faster than
    the other (the fast and slow phase of clonic jerks): |1 - 2p|, p the share of time the
    movement goes one way, in the band from half the frequency to its fifth harmonic."""
    low = max(0.5 * frequency, 0.2)
    high = min(5.0 * frequency, 0.45 * rate)
    if high <= low * 1.2 or len(displacement) < 16:
        return 0.0
    sos = signal.butter(2, [low, high], btype="bandpass", fs=rate, output="sos")
    shaped = signal.sosfiltfilt(sos, displacement)
    velocity = np.diff(shaped)
    strong = np.abs(velocity) > 0.05 * np.percentile(np.abs(velocity), 95)
    if strong.sum() < 8:
        return 0.0
    share = float((velocity[strong] > 0).mean())
    return abs(1.0 - 2.0 * share)


def _rounded(value, digits=2):
    return None if value is None else round(float(value), digits)


def _empty(quality: str, reasons: list[str], flow: _Flow | None) -> dict:
    duration = flow.times[-1] if flow and flow.times else 0.0
    return {
        "algorithm_version": ALGORITHM_VERSION,
        "quality": quality,
        "quality_reasons": reasons,
        "analysed_seconds": round(float(duration), 2),
        "frame_rate": _rounded(flow.rate_hz if flow else None, 1),
        "dominant_frequency_hz": None,
        "rhythmicity": None,
        "waveform_asymmetry": None,
        "amplitude_index": None,
        "side_asymmetry": None,
        "bursts": [],
        "bursts_clustered": False,
        "pattern": None,
        "signal": {"rate_hz": None, "values": []},
        "spectrum": {"frequencies_hz": [], "power": []},
    }


def _plotted(values: np.ndarray, rate: float) -> dict:
    """The displacement for plotting, at most PLOT_POINTS values: each one stands for a run of
    samples and keeps the one furthest from rest, so bursts keep their height."""
    step = max(1, math.ceil(len(values) / PLOT_POINTS))
    if step > 1:
        usable = len(values) - len(values) % step
        runs = values[:usable].reshape(-1, step)
        values = runs[np.arange(len(runs)), np.argmax(np.abs(runs), axis=1)]
    return {"rate_hz": round(rate / step, 3), "values": [round(float(v), 4) for v in values]}


def unusable(reason: str) -> dict:
    """The result for a file that could not be measured at all, saying why."""
    return _empty("unusable", [reason], None)


def _classify(rhythmicity, frequency, bursts_s, duration_s, asymmetry) -> str:
    """Rhythmic needs a spectral peak and a sustained movement: one burst of 2.5 cycles (and
    1.5 s) or more, or bursts filling most of the clip (slow jerks whose turning points
    briefly fall under the burst threshold)."""
    longest_burst_s = max(bursts_s, default=0.0)
    sustained = frequency is not None and (
        longest_burst_s >= max(1.5, 2.5 / frequency)
        or sum(bursts_s) >= SUSTAINED_SHARE * duration_s
    )
    if frequency is not None and rhythmicity >= RHYTHMIC and sustained:
        if frequency >= TREMOR_FROM_HZ and asymmetry < 0.35:
            return "tremor_like"
        return "clonic_like"
    if not bursts_s:
        return "no_rhythmic_movement"
    typical = float(np.median(bursts_s))
    if typical >= SPASM_FROM_S and typical <= 4.0:
        return "spasm_like"
    if typical < SPASM_FROM_S:
        return "myoclonic_like"
    return "no_rhythmic_movement"


def analyse_file(
    path: str, content_type: str | None = None, limits: transcoding.Limits | None = None
) -> dict:
    """Analyse the video at `path`; returns the figures as plain JSON-able data.

    With `content_type` (the type the intake detected) the file is read as the video pipeline
    reads it, within `limits` (see `_open`). The pipeline runs this in the sandbox
    (episodes.services.movement_measure). Raises Unreadable when the file is not a video that
    can be decoded, or is refused."""
    flow = _read_flow(str(path), content_type, limits)
    reasons: list[str] = []
    duration = flow.times[-1] if flow.times else 0.0
    if len(flow.times) < 8 or duration < MIN_SECONDS:
        return _empty("unusable", ["too short"], flow)
    brightness = float(np.mean(flow.brightness))
    if brightness < UNUSABLY_DARK:
        return _empty("unusable", ["too dark"], flow)
    if brightness < TOO_DARK:
        reasons.append("too dark")
    if float(np.median(flow.camera_speed)) > CAMERA_TOO_FAST:
        reasons.append("camera moving too much")
    residual = np.stack(flow.residual)  # (pairs, rows, cols, 2) float16
    flow.residual = []
    speed = _speed(residual)
    # A high percentile, not the mean: a few brief jerks in a long clip still count.
    energy = np.percentile(speed, 95, axis=0)
    del speed
    floor = float(np.median(energy))
    regions = _regions(energy, floor)
    if not regions:
        reasons.append("no movement found")
    if reasons:
        return _empty("poor", reasons, flow)

    times = np.asarray(flow.times)
    rate = min(MAX_ANALYSIS_RATE, max(flow.rate_hz, 10.0))
    kept = [regions[0]]
    if len(regions) > 1 and regions[1].energy >= 0.1 * regions[0].energy:
        kept.append(regions[1])
    signals = [
        _highpass(_displacement(residual, region, times, rate), rate, 0.25) for region in kept
    ]
    del residual
    spectra = [_spectrum(values, rate) for values in signals]
    freqs = spectra[0][0]
    power = np.sum([p / max(float(p[_band(freqs, rate)].sum()), 1e-12) for _, p in spectra], axis=0)
    frequency, rhythmicity = _peak(freqs, power, rate)

    main = signals[0]
    noise_px = max(floor, 0.01) * 1.0  # per-picture flow noise, in pixels
    activity = _activity(main, rate)
    spans = _bursts(activity, noise_px, rate)
    bursts = []
    for begin, end in spans:
        segment = main[begin:end]
        peak_hz = None
        if len(segment) >= rate * 1.0:
            seg_freqs, seg_power = _spectrum(segment, rate)
            peak_hz, _ = _peak(seg_freqs, seg_power, rate)
        bursts.append(
            {
                "start_s": round(float(begin / rate), 2),
                "end_s": round(float(end / rate), 2),
                "peak_frequency_hz": _rounded(peak_hz, 2),
            }
        )
    lengths = [(end - begin) / rate for begin, end in spans]
    gaps = [spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)]
    clustered = len(spans) >= 3 and all(gap / rate <= 30.0 for gap in gaps)
    asymmetry = _waveform_asymmetry(main, rate, frequency) if frequency else 0.0

    moving = np.concatenate([main[b:e] for b, e in spans]) if spans else main
    extent = float(np.percentile(moving, 97.5) - np.percentile(moving, 2.5))
    amplitude = extent / max(kept[0].size_px, 1.0)

    if len(kept) == 2:
        left, right = sorted(kept, key=lambda region: region.centre_x)
        side = (right.energy - left.energy) / (right.energy + left.energy)
    else:
        side = 1.0 if kept[0].centre_x >= 0.5 else -1.0

    pattern = _classify(rhythmicity, frequency, lengths, len(main) / rate, asymmetry)
    rhythmic = pattern in ("tremor_like", "clonic_like")
    shown = freqs <= min(PLOT_SPECTRUM_HZ, 0.5 * rate)
    peak_power = float(power[shown].max()) or 1.0
    scale = max(kept[0].size_px, 1.0)
    return {
        "algorithm_version": ALGORITHM_VERSION,
        "quality": "good",
        "quality_reasons": [],
        "analysed_seconds": round(float(duration), 2),
        "frame_rate": _rounded(flow.rate_hz, 1),
        "dominant_frequency_hz": _rounded(frequency, 2),
        "rhythmicity": _rounded(rhythmicity, 2),
        "waveform_asymmetry": _rounded(asymmetry, 2) if rhythmic else None,
        "amplitude_index": _rounded(amplitude, 3),
        "side_asymmetry": _rounded(side, 2),
        "bursts": bursts,
        "bursts_clustered": bool(clustered),
        "pattern": pattern,
        "signal": _plotted(main / scale, rate),
        "spectrum": {
            "frequencies_hz": [round(float(f), 3) for f in freqs[shown]],
            "power": [round(float(p) / peak_power, 4) for p in power[shown]],
        },
    }
