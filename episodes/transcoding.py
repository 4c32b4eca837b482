"""Reading phone videos with PyAV: probe, poster frame, and a browser-playable H.264/AAC MP4.

Only the decoded pictures and sound are carried into derived files; container metadata (where a
phone writes location and device details) is never copied.
"""

from dataclasses import dataclass
from fractions import Fraction

import av

# What Chromium plays without help: H.264/VP8/VP9/AV1 in MP4 or WebM.
PLAYABLE = {
    "video/mp4": ({"h264", "vp9", "av1"}, {"aac", "mp3", "opus", ""}),
    "video/webm": ({"vp8", "vp9", "av1"}, {"opus", "vorbis", ""}),
}
POSTER_AT_SECONDS = 0.5
MAX_RENDITION_EDGE = 1920


class NotDecodable(Exception):
    """The file cannot be read as a video; the message is the reason shown to staff."""


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


def _open(source):
    try:
        return av.open(source, mode="r")
    except av.FFmpegError as exc:
        raise NotDecodable(f"not a decodable video ({exc.strerror or exc})") from exc


def _first_frame(container, stream):
    for frame in container.decode(stream):
        return frame
    raise NotDecodable("not a decodable video (no picture could be decoded)")


def probe(source) -> Probe:
    """Duration, size, rotation and codecs; decodes the first picture to prove it is readable."""
    with _open(source) as container:
        if not container.streams.video:
            raise NotDecodable("not a decodable video (no video track)")
        stream = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        try:
            frame = _first_frame(container, stream)
        except av.FFmpegError as exc:
            raise NotDecodable(f"not a decodable video ({exc})") from exc
        duration = None
        if container.duration:
            duration = round(container.duration / av.time_base, 3)
        elif stream.duration and stream.time_base:
            duration = round(float(stream.duration * stream.time_base), 3)
        return Probe(
            duration_s=duration,
            width=frame.width,
            height=frame.height,
            rotation=int(frame.rotation or 0),
            video_codec=stream.codec_context.name,
            audio_codec=audio.codec_context.name if audio else "",
        )


def poster_jpeg(source) -> bytes:
    """A JPEG of the picture half a second in (or the first one, for shorter clips)."""
    with _open(source) as container:
        stream = container.streams.video[0]
        chosen = None
        try:
            for frame in container.decode(stream):
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


def _even(value: int) -> int:
    return max(2, value - value % 2)


def _rendition_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, MAX_RENDITION_EDGE / max(width, height))
    return _even(round(width * scale)), _even(round(height * scale))


def playable_mp4(source, destination) -> None:
    """Write an H.264 (yuv420p) / AAC MP4 with the index at the front (`+faststart`), the
    original's rotation kept as a display matrix, and no container metadata."""
    with (
        _open(source) as src,
        av.open(destination, mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        in_video = src.streams.video[0]
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
                        for chunk in resampler.resample(frame):
                            chunk.pts = None
                            out.mux(out_audio.encode(chunk))
        except av.FFmpegError as exc:
            if video_index == 0:
                raise NotDecodable(f"not a decodable video ({exc})") from exc
            # A truncated tail: keep what decoded, as a phone's interrupted recording would.
        if video_index == 0:
            raise NotDecodable("not a decodable video (no picture could be decoded)")
        out.mux(out_video.encode(None))
        if out_audio is not None:
            for chunk in resampler.resample(None):
                chunk.pts = None
                out.mux(out_audio.encode(chunk))
            out.mux(out_audio.encode(None))
