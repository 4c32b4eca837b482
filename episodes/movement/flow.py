"""Steps 1-3 of the movement analysis (analysis.py): the clip decoded with PyAV at reduced size
and turned as the phone says, dense optical flow between consecutive pictures (OpenCV's DIS),
and the camera's own motion fitted and removed. No Django here."""

from dataclasses import dataclass, field

import av
import cv2
import numpy as np

from episodes import transcoding

ANALYSIS_LONG_SIDE = 320
MAX_SECONDS = 60.0
MAX_ANALYSIS_RATE = 30.0  # pictures a second; a 60 fps clip is read at 30 (Nyquist 15 Hz)
CELL = 4  # flow is kept on a grid of CELL x CELL pixel blocks


class Unreadable(Exception):
    """The file cannot be read as a video; the message says why."""


@dataclass
class _Flow:
    times: list = field(default_factory=list)  # time of each picture pair's second picture
    residual: list = field(default_factory=list)  # (rows, cols, 2) float16 per pair
    camera_speed: list = field(default_factory=list)
    brightness: list = field(default_factory=list)
    shape: tuple = (0, 0)
    frames: int = 0
    rate_hz: float = 0.0


def _analysis_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, ANALYSIS_LONG_SIDE / max(width, height))
    w = max(CELL * 4, round(width * scale / CELL) * CELL)
    h = max(CELL * 4, round(height * scale / CELL) * CELL)
    return w, h


_Y_FIRST = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21"}


def _grey(frame, size: tuple[int, int]) -> np.ndarray:
    """The frame's luma at analysis size, read straight from the Y plane where there is one.

    A picture much larger than the analysis size is first thinned to every n-th pixel of every
    n-th row (a strided view) down to about twice the analysis size, then averaged over
    areas: for 1080p that reads a ninth of the pixels, and each analysis pixel still averages
    four of them."""
    if frame.format.name in _Y_FIRST:
        plane = frame.planes[0]
        luma = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
        step = max(1, min(frame.width // size[0], frame.height // size[1]) // 2)
        luma = luma[::step, : frame.width : step]
        return cv2.resize(luma, size, interpolation=cv2.INTER_AREA)
    return frame.reformat(width=size[0], height=size[1], format="gray").to_ndarray()


def _turn(picture: np.ndarray, rotation: int) -> np.ndarray:
    """Display orientation: the rotation metadata turns the stored picture anticlockwise."""
    quarter = round(rotation / 90) % 4
    return np.ascontiguousarray(np.rot90(picture, quarter)) if quarter else picture


class _CameraModel:
    """Fits the camera's motion as an affine flow field over the cell grid, robustly: a first
    guess from the median flow of every other cell, then refits on the cells the fit explains
    (the moving limbs are left out). Solved by 3x3 normal equations: cheap enough for every
    picture pair."""

    def __init__(self, rows: int, cols: int):
        ys, xs = np.mgrid[0:rows, 0:cols].astype(np.float32)
        xs = (xs - cols / 2) / cols
        ys = (ys - rows / 2) / rows
        self.design = np.stack([np.ones_like(xs), xs, ys], axis=-1).reshape(-1, 3)
        sample = np.zeros((rows, cols), bool)
        sample[::2, ::2] = True
        self.sample = sample.reshape(-1)
        self.sampled = np.ascontiguousarray(self.design[self.sample])
        self.ridge = np.eye(3, dtype=np.float32) * 1e-3

    def fit(self, cells: np.ndarray) -> tuple[np.ndarray, float]:
        """The camera's flow field and its speed (pixels per picture at the centre)."""
        flow = cells.reshape(-1, 2)[self.sample]
        design = self.sampled
        middle = len(flow) // 2
        coefficients = np.zeros((3, 2), np.float32)
        coefficients[0] = np.partition(flow, middle, axis=0)[middle]
        for _ in range(3):
            error = np.abs(flow - design @ coefficients).sum(axis=1)
            cut = max(0.3, 2.5 * float(np.partition(error, middle)[middle]))
            kept = error < cut
            if np.count_nonzero(kept) < 12:
                break
            chosen, target = design[kept], flow[kept]
            _, coefficients = cv2.solve(
                chosen.T @ chosen + self.ridge, chosen.T @ target, flags=cv2.DECOMP_CHOLESKY
            )
        field = (self.design @ coefficients).reshape(cells.shape)
        return field, float(np.hypot(*coefficients[0]))


# Decoder settings for analysis: one thread (the figure is per core, and the sandbox's CPU limit
# counts every thread), no in-loop deblocking filter and the decoder's non-bit-exact shortcuts.
# The deblocking filter smooths block edges of 4-8 pixels that the reduction to analysis size
# averages away; skipping it saves about a tenth of H.264 decoding.
DECODER_OPTIONS = {"skip_loop_filter": "all", "flags2": "+fast"}
DIS_PRESET = cv2.DISOPTICAL_FLOW_PRESET_FAST


def _open(path: str, content_type: str | None, limits: transcoding.Limits | None):
    """The container, its video stream and its pictures. With a content type, as the video
    pipeline reads a caregiver's file: with that type's demuxer and the file protocol only,
    refused when the headers declare more than `limits`, each picture counted against them
    (episodes.transcoding). Without one (a file given on the command line), as FFmpeg finds it."""
    if content_type is not None:
        limits = limits or transcoding.Limits()
        try:
            container, stream = transcoding.open_video(path, content_type, limits)
        except transcoding.NotDecodable as exc:
            raise Unreadable(str(exc)) from exc
        return container, stream, transcoding.video_frames(container, stream, limits)
    try:
        container = av.open(path, mode="r")
    except MemoryError:  # ENOMEM under the sandbox's memory limit: a limit, not a bad file
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise Unreadable(f"not a readable video ({exc})") from exc
    if not container.streams.video:
        container.close()
        raise Unreadable("not a readable video (no video track)")
    stream = container.streams.video[0]
    return container, stream, container.decode(stream)


def _read_flow(path: str, content_type: str | None, limits: transcoding.Limits | None) -> _Flow:
    cv2.setNumThreads(1)
    container, stream, pictures = _open(path, content_type, limits)
    result = _Flow()
    with container:
        stream.codec_context.thread_count = 1
        stream.codec_context.options = dict(DECODER_OPTIONS)
        # OpenCV's bundled stubs leave out the DIS optical flow factory.
        dis = cv2.DISOpticalFlow_create(DIS_PRESET)  # type: ignore[attr-defined]
        previous = None
        start = last_used = None
        rotation = 0
        size = stored = cell_size = camera = None
        min_step = 1.0 / MAX_ANALYSIS_RATE * 0.9
        fallback_step = 1.0 / float(stream.average_rate or 30)
        index = 0
        try:
            for frame in pictures:
                moment = frame.time if frame.time is not None else index * fallback_step
                index += 1
                if start is None:
                    start = moment
                if moment - start > MAX_SECONDS:
                    break
                if last_used is not None and moment - last_used < min_step:
                    continue
                if size is None:
                    rotation = int(frame.rotation or 0)
                    turned = rotation % 180 != 0
                    width, height = (
                        (frame.height, frame.width) if turned else (frame.width, frame.height)
                    )
                    size = _analysis_size(width, height)
                    stored = (size[1], size[0]) if turned else size
                    cell_size = (size[0] // CELL, size[1] // CELL)
                    camera = _CameraModel(cell_size[1], cell_size[0])
                    result.shape = (cell_size[1], cell_size[0])
                assert stored is not None  # sized with the first picture
                picture = _turn(_grey(frame, stored), rotation)
                result.frames += 1
                result.brightness.append(float(picture.mean()))
                if previous is not None:
                    flow = dis.calc(previous, picture, None)
                    cells = cv2.resize(flow, cell_size, interpolation=cv2.INTER_AREA)
                    assert camera is not None  # made with the first picture
                    moving_camera, camera_speed = camera.fit(cells)
                    result.camera_speed.append(camera_speed)
                    result.residual.append((cells - moving_camera).astype(np.float16))
                    result.times.append(moment - start)
                previous = picture
                last_used = moment
        except transcoding.NotDecodable as exc:  # past the limits while decoding
            raise Unreadable(str(exc)) from exc
        except MemoryError:
            raise
        except av.FFmpegError as exc:
            if result.frames < 2:
                raise Unreadable(f"not a readable video ({exc})") from exc
            # A truncated tail: measure what decoded.
    if result.frames == 0:
        raise Unreadable("not a readable video (no picture could be decoded)")
    if len(result.times) > 1:
        steps = np.diff(result.times)
        result.rate_hz = float(1.0 / np.median(steps)) if np.median(steps) > 0 else 0.0
    return result
