"""Demo episodes and small generated videos for `manage.py seed_demo`. Safe to run again."""

from fractions import Fraction

import av


def synthetic_clip(
    destination,
    *,
    codec: str = "libx264",
    container_format: str = "mp4",
    seconds: float = 1.0,
    size: tuple[int, int] = (96, 64),
    fps: int = 10,
    audio: bool = False,
    rotation: int = 0,
    shade: int = 0,
    metadata: dict[str, str] | None = None,
) -> None:
    """Write a tiny moving-picture clip (a bar sweeping across) with PyAV; `shade` varies the
    picture so that two clips differ byte for byte."""
    width, height = size
    with av.open(destination, mode="w", format=container_format) as out:
        out.metadata.update(metadata or {})
        video = out.add_stream(codec, rate=fps)
        video.width, video.height = width, height
        video.pix_fmt = "yuv420p"
        if codec == "libx265":
            video.options = {"x265-params": "log-level=error"}
        if rotation:
            video.set_display_rotation(rotation)
        sound = None
        if audio:
            sound = out.add_stream("aac" if container_format != "webm" else "libopus", rate=48000)
        frames = max(1, int(seconds * fps))
        for index in range(frames):
            frame = av.VideoFrame(width, height, "yuv420p")
            bar = (index * 8) % width
            for number, plane in enumerate(frame.planes):
                line = plane.line_size
                rows = plane.height
                base = (shade * 37 + 60) % 256 if number == 0 else 128
                row = bytearray([base]) * line
                if number == 0:
                    for x in range(bar, min(line, bar + 8)):
                        row[x] = 235
                plane.update(bytes(row) * rows)
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if sound is not None:
            rate = 48000
            samples = int(seconds * rate)
            step = sound.codec_context.frame_size or 1024
            for start in range(0, samples, step):
                frame = av.AudioFrame(format="fltp", layout="stereo", samples=step)
                for plane in frame.planes:
                    plane.update(bytes(plane.buffer_size))
                frame.sample_rate = rate
                frame.pts = start
                frame.time_base = Fraction(1, rate)
                out.mux(sound.encode(frame))
            out.mux(sound.encode(None))
