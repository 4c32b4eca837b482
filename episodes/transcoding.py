"""Reading phone videos with PyAV: probe, poster frame, and a browser-playable H.264/AAC MP4.

Only the decoded pictures and sound are carried into derived files; container metadata (where a
phone writes location and device details) is never copied.

A caregiver's file is untrusted input. It is opened only from a local path, only with the
demuxer its bytes were identified as (FFmpeg's probing would otherwise pick any of its formats:
a text file starting with `ftyp3gp` became an SDP session that bound UDP ports), with the `file`
protocol only, and it is refused before anything is decoded when its streams declare more than
the limits; while decoding, pictures are counted against the same limits, so a file whose
header understates its length is stopped too. The functions here run inside
`episodes.sandbox.run_limited` (no Django in this module: the child process has none).
"""

from dataclasses import asdict, dataclass
from fractions import Fraction

import av

# What Chromium plays without help: H.264/VP8/VP9/AV1 in MP4 or WebM.
PLAYABLE = {
    "video/mp4": ({"h264", "vp9", "av1"}, {"aac", "mp3", "opus", ""}),
    "video/webm": ({"vp8", "vp9", "av1"}, {"opus", "vorbis", ""}),
}
# The only demuxers a caregiver's file is opened with, by the type its bytes showed.
DEMUXERS = {
    "video/mp4": "mov",
    "video/quicktime": "mov",
    "video/3gpp": "mov",
    "video/webm": "matroska",
    "video/x-matroska": "matroska",
}
OPEN_OPTIONS = {"protocol_whitelist": "file", "format_whitelist": "mov,matroska"}
POSTER_AT_SECONDS = 0.5
MAX_RENDITION_EDGE = 1920


@dataclass(frozen=True)
class Limits:
    """The largest video the clinic processes (4K UHD/DCI, ten minutes, 60 frames a second for
    ten minutes); a portrait video may be 2160 wide and 4096 high."""

    long_edge: int = 4096
    short_edge: int = 2160
    seconds: float = 600.0
    frames: int = 36_000

    def describe_size(self) -> str:
        return f"{self.long_edge}x{self.short_edge}"


class NotDecodable(Exception):
    """The file cannot be read as a video; the message is the reason shown to staff."""


class BeyondLimits(NotDecodable):
    """The video is larger, longer or has more pictures than the clinic processes."""


@dataclass
class Probe:
    duration_s: float | None
    width: int
    height: int
    rotation: int
    video_codec: str
    audio_codec: str = ""

    def playable_in_browser(self, content_type: str) -> bool:
        video_codecs, audio_codecs = PLAYABLE.get(content_type, (set(), set()))
        return self.video_codec in video_codecs and self.audio_codec in audio_codecs


def _open(path: str, content_type: str):
    demuxer = DEMUXERS.get(content_type)
    if demuxer is None:
        raise NotDecodable(f"not a decodable video (no reader for {content_type})")
    try:
        return av.open(str(path), mode="r", format=demuxer, container_options=OPEN_OPTIONS)
    except MemoryError:  # ENOMEM under the sandbox's memory limit: a limit, not a bad file
        raise
    except av.FFmpegError as exc:
        raise NotDecodable(f"not a decodable video ({exc.strerror or exc})") from exc


def _check_size(width: int, height: int, limits: Limits) -> None:
    if max(width, height) > limits.long_edge or min(width, height) > limits.short_edge:
        raise BeyondLimits(
            f"refused: the video is {width}x{height}, larger than {limits.describe_size()}"
        )


def _declared_duration(container, stream) -> float | None:
    if container.duration:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def _check_declared(container, limits: Limits):
    """What the container and stream headers say, before any picture is decoded."""
    if not container.streams.video:
        raise NotDecodable("not a decodable video (no video track)")
    stream = container.streams.video[0]
    _check_size(stream.codec_context.width, stream.codec_context.height, limits)
    duration = _declared_duration(container, stream)
    if duration is not None and duration > limits.seconds:
        raise BeyondLimits(
            f"refused: the video lasts {duration:.0f} s, longer than {limits.seconds:.0f} s"
        )
    if stream.frames and stream.frames > limits.frames:
        raise BeyondLimits(
            f"refused: the video has {stream.frames} pictures, more than {limits.frames}"
        )
    return stream


def _within_limits(frame, count: int, limits: Limits):
    """Each decoded picture against the limits: a header may lie, the pictures cannot."""
    if count > limits.frames:
        raise BeyondLimits(f"refused: the video has more than {limits.frames} pictures")
    if frame.time is not None and frame.time > limits.seconds:
        raise BeyondLimits(f"refused: the video lasts longer than {limits.seconds:.0f} s")
    _check_size(frame.width, frame.height, limits)
    return frame


def video_frames(container, stream, limits: Limits):
    """The stream's pictures, decoded one by one, stopping at the first one past the limits.
    Analyses that read every picture (movement analysis) iterate this, inside the sandbox."""
    for count, frame in enumerate(container.decode(stream), start=1):
        yield _within_limits(frame, count, limits)


def open_video(path: str, content_type: str, limits: Limits):
    """The container (a context manager) and its first video stream, refused before decoding
    when the headers declare more than the limits."""
    container = _open(path, content_type)
    try:
        return container, _check_declared(container, limits)
    except BaseException:
        container.close()
        raise


def inspect(path: str, content_type: str, limits: Limits) -> dict:
    """The headers only (no picture decoded): size, duration and picture count as declared.
    Raises BeyondLimits when they are over the limits, NotDecodable when it cannot be opened."""
    container, stream = open_video(path, content_type, limits)
    with container:
        duration = _declared_duration(container, stream)
        return {
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
            "duration_s": round(duration, 3) if duration is not None else None,
            "frames": stream.frames or None,
        }


def probe(path: str, content_type: str, limits: Limits) -> Probe:
    """Duration, size, rotation and codecs; decodes the first picture to prove it is readable."""
    container, stream = open_video(path, content_type, limits)
    with container:
        audio = container.streams.audio[0] if container.streams.audio else None
        try:
            frame = next(video_frames(container, stream, limits), None)
        except MemoryError:  # ENOMEM under the sandbox's memory limit: a limit, not a bad file
            raise
        except av.FFmpegError as exc:
            raise NotDecodable(f"not a decodable video ({exc})") from exc
        if frame is None:
            raise NotDecodable("not a decodable video (no picture could be decoded)")
        duration = _declared_duration(container, stream)
        return Probe(
            duration_s=round(duration, 3) if duration is not None else None,
            width=frame.width,
            height=frame.height,
            rotation=int(frame.rotation or 0),
            video_codec=stream.codec_context.name,
            audio_codec=audio.codec_context.name if audio else "",
        )


def poster_jpeg(path: str, content_type: str, limits: Limits) -> bytes:
    """A JPEG of the picture half a second in (or the first one, for shorter clips)."""
    container, stream = open_video(path, content_type, limits)
    with container:
        chosen = None
        try:
            for frame in video_frames(container, stream, limits):
                chosen = frame
                if frame.time is not None and frame.time >= POSTER_AT_SECONDS:
                    break
        except av.FFmpegError:
            if chosen is None:
                raise NotDecodable("not a decodable video (no picture could be decoded)") from None
        if chosen is None:
            raise NotDecodable("not a decodable video (no picture could be decoded)")
        encoder = av.CodecContext.create("mjpeg", "w")
        encoder.width = chosen.width
        encoder.height = chosen.height
        encoder.pix_fmt = "yuvj420p"
        encoder.time_base = Fraction(1, 25)
        picture = chosen.reformat(format="yuvj420p")
        picture.pts = 0
        packets = [*encoder.encode(picture), *encoder.encode(None)]
        return b"".join(bytes(packet) for packet in packets)


def derive(
    path: str, content_type: str, poster_path: str, rendition_path: str, limits: Limits
) -> dict:
    """Probe, write the poster to `poster_path` and, when a browser cannot play the original, a
    rendition to `rendition_path`. Returns the probe's fields and whether a rendition was
    written (plain values: this runs in the sandbox and answers in JSON)."""
    found = probe(path, content_type, limits)
    with open(poster_path, "wb") as fh:
        fh.write(poster_jpeg(path, content_type, limits))
    rendition = not found.playable_in_browser(content_type)
    if rendition:
        playable_mp4(path, content_type, rendition_path, limits)
    return {**asdict(found), "rendition": rendition}


def _even(value: int) -> int:
    return max(2, value - value % 2)


def _rendition_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, MAX_RENDITION_EDGE / max(width, height))
    return _even(round(width * scale)), _even(round(height * scale))


def playable_mp4(path: str, content_type: str, destination: str, limits: Limits) -> None:
    """Write an H.264 (yuv420p) / AAC MP4 with the index at the front (`+faststart`), the
    original's rotation kept as a display matrix, and no container metadata."""
    src, in_video = open_video(path, content_type, limits)
    with (
        src,
        av.open(destination, mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        in_audio = src.streams.audio[0] if src.streams.audio else None
        rate = in_video.average_rate or in_video.guessed_rate or Fraction(30)
        out_video = out.add_stream("libx264", rate=rate)
        width, height = _rendition_size(in_video.codec_context.width, in_video.codec_context.height)
        out_video.width, out_video.height = width, height
        out_video.pix_fmt = "yuv420p"
        out_video.options = {"preset": "veryfast", "crf": "23"}
        out_audio = resampler = None
        if in_audio is not None:
            out_audio = out.add_stream("aac", rate=48000, layout="stereo")
            resampler = av.AudioResampler(
                format="fltp",
                layout="stereo",
                rate=48000,
                frame_size=out_audio.codec_context.frame_size or 1024,
            )
        streams = [in_video] + ([in_audio] if in_audio is not None else [])
        rotation_set = False
        video_index = 0
        try:
            for packet in src.demux(*streams):
                for frame in packet.decode():
                    if packet.stream is in_video:
                        _within_limits(frame, video_index + 1, limits)
                        if not rotation_set:
                            if frame.rotation:
                                out_video.set_display_rotation(frame.rotation)
                            rotation_set = True
                        picture = frame.reformat(width=width, height=height, format="yuv420p")
                        picture.pts = video_index
                        picture.time_base = 1 / Fraction(rate)
                        video_index += 1
                        out.mux(out_video.encode(picture))
                    else:
                        assert resampler is not None  # the packet is from in_audio
                        assert out_audio is not None
                        for chunk in resampler.resample(frame):
                            chunk.pts = None
                            out.mux(out_audio.encode(chunk))
        except MemoryError:  # ENOMEM under the sandbox's memory limit: a limit, not a bad file
            raise
        except av.FFmpegError as exc:
            if video_index == 0:
                raise NotDecodable(f"not a decodable video ({exc})") from exc
            # A truncated tail: keep what decoded, as a phone's interrupted recording would.
        if video_index == 0:
            raise NotDecodable("not a decodable video (no picture could be decoded)")
        out.mux(out_video.encode(None))
        if out_audio is not None and resampler is not None:
            for chunk in resampler.resample(None):
                chunk.pts = None
                out.mux(out_audio.encode(chunk))
            out.mux(out_audio.encode(None))
