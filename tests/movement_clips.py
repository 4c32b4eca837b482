"""Synthetic phone clips of moving limbs with a known waveform, for validating the movement
analysis (episodes/movement). Everything is generated from a seed: no real recording is used.

A clip shows a body on a textured blanket with two legs hinged at the hip; one or both legs swing
with a known waveform, frequency and amplitude. On top come what phones add: sensor noise, blur,
light flicker, a shaking hand, H.264 at a phone's bit rate, 24/30/60 frames a second, portrait
pictures, rotation metadata and a variable frame rate.
"""

import math
from dataclasses import asdict, dataclass, replace
from fractions import Fraction

import av
import cv2
import numpy as np

# pattern -> what the analysis should call it
EXPECTED_PATTERN = {
    "tremor": "tremor_like",
    "clonic": "clonic_like",
    "myoclonic": "myoclonic_like",
    "spasm": "spasm_like",
    "camera_shake": None,  # anything but a rhythmic pattern
    "still": None,
}
RHYTHMIC = {"tremor", "clonic"}
SIDE_TRUTH = {"both": 0.0, "left": -1.0, "right": 1.0}


@dataclass(frozen=True)
class ClipSpec:
    pattern: str = "tremor"  # tremor | clonic | myoclonic | spasm | camera_shake | still
    frequency_hz: float | None = 6.0  # tremor and clonic only
    amplitude: float = 0.12  # peak-to-peak swing of the foot, as a share of the leg's length
    sides: str = "both"  # both | left | right (as the picture is displayed)
    fps: int = 30
    seconds: float = 10.0
    size: tuple[int, int] = (640, 360)  # displayed width, height
    rotation: int = 0  # 0, 90 or 270: pixels stored turned, with display-rotation metadata
    bitrate: int = 2_000_000
    noise: float = 3.0  # sensor noise, standard deviation in grey levels
    blur: float = 0.0  # Gaussian blur sigma in pixels
    flicker: float = 0.0  # relative brightness flicker
    shake: float = 0.0  # hand shake, in pixels at this size
    vfr: bool = False  # frame intervals jitter by up to 30%
    brightness: float = 1.0
    seed: int = 0

    @property
    def expected_pattern(self) -> str | None:
        return EXPECTED_PATTERN[self.pattern]

    @property
    def truth_frequency(self) -> float | None:
        return self.frequency_hz if self.pattern in RHYTHMIC else None

    def as_dict(self) -> dict:
        return asdict(self)


def _smoothstep(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def waveform(spec: ClipSpec, times: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Position of the moving foot over time, peak-to-peak 1 (0 = rest)."""
    duration = spec.seconds
    if spec.pattern == "tremor":
        return 0.5 * np.sin(2 * np.pi * spec.frequency_hz * times + rng.uniform(0, 2 * np.pi))
    if spec.pattern == "clonic":
        # A fast jerk (a fifth of the cycle) and a slow return: the clonic fast-slow phase.
        phase = (spec.frequency_hz * times + rng.uniform(0, 1)) % 1.0
        fast = 0.2
        return np.where(
            phase < fast,
            -0.5 + _smoothstep(phase / fast),
            0.5 - (phase - fast) / (1 - fast),
        )
    position = np.zeros_like(times)
    if spec.pattern == "myoclonic":
        onset = rng.uniform(0.3, 1.0)
        while onset < duration - 0.3:
            width = rng.uniform(0.05, 0.08)
            position += rng.uniform(0.7, 1.0) * np.exp(-(((times - onset) / width) ** 2))
            onset += rng.uniform(0.8, 3.0)
        return position
    if spec.pattern == "spasm":
        onset = rng.uniform(0.3, 1.5)
        while onset < duration - 2.2:
            rise, hold, relax = 0.25, rng.uniform(0.6, 1.2), 0.45
            up = _smoothstep((times - onset) / rise)
            down = _smoothstep((times - onset - rise - hold) / relax)
            position += rng.uniform(0.8, 1.0) * (up - down)
            onset += rise + hold + relax + rng.uniform(2.5, 6.0)
        return position
    return position  # still and camera_shake: the legs do not move


def _texture(rng, height, width, scale, contrast):
    noise = rng.normal(0, 1, (height // scale + 2, width // scale + 2)).astype(np.float32)
    noise = cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC)
    return noise * contrast


def _frame_times(spec: ClipSpec, rng) -> np.ndarray:
    count = int(spec.seconds * spec.fps)
    if not spec.vfr:
        return np.arange(count) / spec.fps
    intervals = (1 / spec.fps) * rng.uniform(0.7, 1.3, count)
    return np.concatenate([[0.0], np.cumsum(intervals[:-1])])


class _Scene:
    """A body and two legs on a blanket, drawn in the displayed orientation."""

    def __init__(self, spec: ClipSpec, rng):
        width, height = spec.size
        margin = int(max(8, spec.shake * 3 + 8))
        self.margin = margin
        self.canvas_size = (width + 2 * margin, height + 2 * margin)
        cw, ch = self.canvas_size
        blanket = 120 + _texture(rng, ch, cw, 6, 28) + _texture(rng, ch, cw, 2, 10)
        self.background = blanket
        unit = min(width, height)
        self.leg_length = 0.55 * unit
        self.leg_width = 0.13 * unit
        self.body_centre = (margin + width / 2, margin + height * 0.22)
        self.body_axes = (int(0.2 * width), int(0.2 * height))
        self.hips = [
            (margin + width * 0.38, margin + height * 0.30),
            (margin + width * 0.62, margin + height * 0.30),
        ]
        length, thickness = int(self.leg_length), int(self.leg_width)
        # A leg sprite pointing down from its hip at (thickness, 0) in sprite coordinates.
        sprite_w, sprite_h = 2 * thickness, length + thickness
        self.sprite_shape = (sprite_h, sprite_w)
        skin = (
            185 + _texture(rng, sprite_h, sprite_w, 5, 18) + _texture(rng, sprite_h, sprite_w, 2, 8)
        )
        stripes = 25 * np.sin(np.arange(sprite_h)[:, None] / max(3.0, thickness / 3))
        self.leg_pixels = (skin + stripes).astype(np.float32)
        mask = np.zeros(self.sprite_shape, np.float32)
        cv2.ellipse(
            mask,
            (thickness, sprite_h // 2),
            (thickness // 2, sprite_h // 2),
            0,
            0,
            360,
            1.0,
            -1,
        )
        self.leg_mask = cv2.GaussianBlur(mask, (5, 5), 1.0)
        # Anticlockwise degrees: the left leg's foot points left, the right one's right.
        self.rest_angles = [-rng.uniform(8, 18), rng.uniform(8, 18)]
        body = 200 + _texture(rng, ch, cw, 8, 14)
        body_mask = np.zeros((ch, cw), np.float32)
        cv2.ellipse(
            body_mask,
            (int(self.body_centre[0]), int(self.body_centre[1])),
            self.body_axes,
            0,
            0,
            360,
            1.0,
            -1,
        )
        body_mask = cv2.GaussianBlur(body_mask, (7, 7), 2.0)
        self.background = (self.background * (1 - body_mask) + body * body_mask).astype(np.float32)

    def draw(self, angles_deg) -> np.ndarray:
        picture = self.background.copy()
        cw, ch = self.canvas_size
        thickness = int(self.leg_width)
        reach = int(self.leg_length + self.leg_width) + 2
        for (hx, hy), angle in zip(self.hips, angles_deg, strict=True):
            # Only the box a leg can reach is redrawn.
            x0, y0 = max(0, int(hx) - reach), max(0, int(hy) - reach)
            x1, y1 = min(cw, int(hx) + reach), min(ch, int(hy) + reach)
            matrix = cv2.getRotationMatrix2D((float(thickness), 0.0), angle, 1.0)
            matrix[0, 2] += hx - thickness - x0
            matrix[1, 2] += hy - y0
            box = (x1 - x0, y1 - y0)
            leg = cv2.warpAffine(self.leg_pixels, matrix, box, flags=cv2.INTER_LINEAR)
            alpha = cv2.warpAffine(self.leg_mask, matrix, box, flags=cv2.INTER_LINEAR)
            area = picture[y0:y1, x0:x1]
            area += alpha * (leg - area)
        return picture


def render(spec: ClipSpec, destination) -> ClipSpec:
    """Write the clip described by `spec` to `destination` (an MP4) and return the spec."""
    rng = np.random.default_rng(spec.seed)
    times = _frame_times(spec, rng)
    scene = _Scene(spec, rng)
    position = waveform(spec, times, rng)
    # Foot swing (share of the leg's length) -> hip angle in degrees.
    swing_deg = math.degrees(2 * math.asin(min(0.9, spec.amplitude / 2)))
    moving = {"both": (True, True), "left": (True, False), "right": (False, True)}[spec.sides]
    if spec.pattern in ("still", "camera_shake"):
        moving = (False, False)
    drift = 1.5 * np.sin(2 * np.pi * 0.07 * times + rng.uniform(0, 6))  # a leg settling slowly
    shake_x = shake_y = shake_r = np.zeros_like(times)
    if spec.shake:
        # A hand holding a phone: slow wander plus a faster physiological tremor of the hand.
        def wander(scale):
            total = np.zeros_like(times)
            for freq in (0.4, 1.1, 2.3):
                total += np.sin(
                    2 * np.pi * freq * rng.uniform(0.8, 1.2) * times + rng.uniform(0, 6)
                )
            hand = rng.uniform(6, 10)
            total += 0.5 * np.sin(2 * np.pi * hand * times + rng.uniform(0, 6))
            return scale * total / 2.5

        shake_x, shake_y, shake_r = wander(spec.shake), wander(spec.shake), wander(0.3)
    width, height = spec.size
    margin = scene.margin
    noise_bank = [
        rng.standard_normal((height, width), dtype=np.float32) * spec.noise for _ in range(12)
    ]
    stored_w, stored_h = (height, width) if spec.rotation in (90, 270) else (width, height)
    with av.open(str(destination), mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=spec.fps)
        stream.width, stream.height = stored_w, stored_h
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = spec.bitrate
        stream.options = {"preset": "superfast", "tune": "zerolatency"}
        if spec.vfr:
            stream.codec_context.time_base = Fraction(1, 90000)
        if spec.rotation:
            stream.set_display_rotation(spec.rotation)
        for index, moment in enumerate(times):
            angles = []
            for side, rest in enumerate(scene.rest_angles):
                swing = swing_deg * position[index] if moving[side] else 0.0
                # Both legs swing outwards together (mirror images), as legs shake.
                direction = -1 if side == 0 else 1
                angles.append(rest + direction * (swing + drift[index] * 0.3))
            picture = scene.draw(angles)
            if spec.shake:
                centre = (scene.canvas_size[0] / 2, scene.canvas_size[1] / 2)
                matrix = cv2.getRotationMatrix2D(centre, float(shake_r[index]), 1.0)
                matrix[0, 2] += shake_x[index]
                matrix[1, 2] += shake_y[index]
                picture = cv2.warpAffine(
                    picture, matrix, scene.canvas_size, borderMode=cv2.BORDER_REFLECT
                )
            picture = picture[margin : margin + height, margin : margin + width]
            if spec.blur:
                picture = cv2.GaussianBlur(picture, (0, 0), spec.blur)
            gain = spec.brightness
            if spec.flicker:
                gain *= 1 + spec.flicker * math.sin(2 * math.pi * 2.7 * moment)
            picture = picture * gain + noise_bank[int(rng.integers(len(noise_bank)))]
            luma = np.clip(picture, 0, 255).astype(np.uint8)
            if spec.rotation == 90:
                # Displayed turned 90 degrees anticlockwise: stored turned the other way.
                luma = np.ascontiguousarray(np.rot90(luma, -1))
            elif spec.rotation == 270:
                luma = np.ascontiguousarray(np.rot90(luma, 1))
            frame = av.VideoFrame(stored_w, stored_h, "yuv420p")
            frame.planes[0].update(_pad(luma, frame.planes[0]))
            for plane in frame.planes[1:]:
                plane.update(bytes([128]) * plane.buffer_size)
            if spec.vfr:
                frame.pts = round(moment * 90000)
                frame.time_base = Fraction(1, 90000)
            else:
                frame.pts = index
                frame.time_base = Fraction(1, spec.fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return spec


def _pad(luma: np.ndarray, plane) -> bytes:
    if plane.line_size == luma.shape[1]:
        return luma.tobytes()
    padded = np.zeros((luma.shape[0], plane.line_size), np.uint8)
    padded[:, : luma.shape[1]] = luma
    return padded.tobytes()


def grid(
    count: int,
    seed: int = 1,
    size: tuple[int, int] = (640, 360),
    seconds: tuple[float, ...] = (8.0, 10.0, 12.0),
) -> list[ClipSpec]:
    """`count` clips spread over the patterns and phone conditions, reproducible from `seed`;
    each lasts one of `seconds` (the same draw whatever the choices, so a grid of shorter clips
    has the same conditions)."""
    rng = np.random.default_rng(seed)
    patterns = [
        "tremor",
        "tremor",
        "clonic",
        "clonic",
        "myoclonic",
        "spasm",
        "camera_shake",
        "still",
    ]
    specs = []
    for index in range(count):
        pattern = patterns[index % len(patterns)]
        fps = int(rng.choice([24, 30, 60]))
        frequency = None
        if pattern == "tremor":
            # What a clip can show: below the Nyquist frequency with room to spare.
            frequency = round(float(rng.uniform(4.0, min(12.0, 0.4 * fps))), 2)
        elif pattern == "clonic":
            frequency = round(float(rng.uniform(0.5, 3.0)), 2)
        orientation = int(rng.integers(0, 4))
        size_here = size
        rotation = 0
        if orientation == 1:
            size_here = (size[1], size[0])  # a portrait picture
        elif orientation == 2:
            size_here, rotation = (size[1], size[0]), int(rng.choice([90, 270]))
        amplitude = float(rng.uniform(0.06, 0.35))
        shake = float(rng.choice([0.0, 0.0, rng.uniform(1.0, 4.0)]))
        if pattern == "camera_shake":
            shake = float(rng.uniform(3.0, 10.0))
        specs.append(
            ClipSpec(
                pattern=pattern,
                frequency_hz=frequency,
                amplitude=amplitude,
                sides=str(rng.choice(["both", "both", "left", "right"])),
                fps=fps,
                seconds=float(seconds[int(rng.integers(0, 3)) % len(seconds)]),
                size=size_here,
                rotation=rotation,
                bitrate=int(rng.uniform(1, 4) * 1_000_000),
                noise=float(rng.uniform(1.0, 6.0)),
                blur=float(rng.choice([0.0, 0.0, rng.uniform(0.8, 2.0)])),
                flicker=float(rng.choice([0.0, 0.0, rng.uniform(0.02, 0.06)])),
                shake=shake,
                vfr=bool(rng.random() < 0.2),
                seed=int(rng.integers(0, 2**31)),
            )
        )
    return specs


def with_changes(spec: ClipSpec, **changes) -> ClipSpec:
    return replace(spec, **changes)


def score_clip(spec: ClipSpec, result: dict) -> dict:
    """One clip's result against its truth."""
    measured = result.get("dominant_frequency_hz")
    error = None
    if spec.truth_frequency is not None and measured is not None:
        error = abs(measured - spec.truth_frequency)
    called_rhythmic = result.get("pattern") in ("tremor_like", "clonic_like")
    if spec.expected_pattern is None:
        pattern_right = not called_rhythmic
    else:
        pattern_right = result.get("pattern") == spec.expected_pattern
    return {
        "spec": spec.as_dict(),
        "quality": result.get("quality"),
        "pattern": result.get("pattern"),
        "frequency_hz": measured,
        "frequency_error_hz": error,
        "pattern_right": pattern_right,
        "called_rhythmic": called_rhythmic,
    }


def summarise(rows: list[dict]) -> dict:
    """The validation figures of the issue over scored clips."""
    with_truth = [r for r in rows if r["spec"]["pattern"] in RHYTHMIC and r["quality"] == "good"]

    def share(items, condition):
        return round(sum(1 for r in items if condition(r)) / len(items), 4) if items else None

    controls = [r for r in rows if r["spec"]["pattern"] in ("camera_shake", "still")]
    movements = [r for r in rows if r["spec"]["pattern"] not in ("camera_shake", "still")]
    return {
        "clips": len(rows),
        "good_rhythmic_clips": len(with_truth),
        "frequency_within_0_5_hz": share(
            with_truth,
            lambda r: r["frequency_error_hz"] is not None and r["frequency_error_hz"] <= 0.5,
        ),
        "frequency_within_0_3_hz": share(
            with_truth,
            lambda r: r["frequency_error_hz"] is not None and r["frequency_error_hz"] <= 0.3,
        ),
        "pattern_right": share(rows, lambda r: r["pattern_right"]),
        "movement_clips_measured_good": share(movements, lambda r: r["quality"] == "good"),
        "controls": len(controls),
        "controls_called_rhythmic": sum(1 for r in controls if r["called_rhythmic"]),
        "pattern_right_by_kind": {
            kind: share(
                [r for r in rows if r["spec"]["pattern"] == kind], lambda r: r["pattern_right"]
            )
            for kind in EXPECTED_PATTERN
        },
    }


def evaluate(specs: list[ClipSpec], workdir, analyse) -> tuple[dict, list[dict]]:
    """Render each clip into `workdir`, analyse it with `analyse(path) -> dict`, and return the
    summary figures and the per-clip rows. Each clip file is removed once analysed."""
    from pathlib import Path

    rows = []
    for index, spec in enumerate(specs):
        path = Path(workdir) / f"clip-{index:04d}.mp4"
        render(spec, path)
        try:
            rows.append(score_clip(spec, analyse(str(path))))
        finally:
            path.unlink(missing_ok=True)
    return summarise(rows), rows
