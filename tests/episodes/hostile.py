"""Hostile files for the intake tests, generated in a fraction of a second: a picture is encoded
once and its packets repeated, so a tiny file declares (and decodes to) many large pictures."""

from fractions import Fraction
from pathlib import Path

import av


def repeated_picture_clip(
    path: Path,
    *,
    frames: int,
    size: tuple[int, int] = (3840, 2160),
    container_format: str = "matroska",
    fps: int = 25,
    pts_step: int = 1,
) -> Path:
    """`frames` pictures of `size`: one keyframe, then the same empty P-frame again and again
    (each picture `pts_step` frame durations after the last)."""
    width, height = size
    with av.open(str(path), mode="w", format=container_format) as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "tune": "zerolatency"}
        picture = av.VideoFrame(width, height, "yuv420p")
        for plane in picture.planes:
            plane.update(bytes([128]) * plane.buffer_size)
        packets = []
        for index in range(2):
            picture.pts = index
            picture.time_base = Fraction(1, fps)
            packets += stream.encode(picture)
        packets += stream.encode(None)
        first, repeated = packets[0], packets[1]
        out.mux(first)
        payload, time_base, step = bytes(repeated), repeated.time_base, repeated.pts - first.pts
        for index in range(1, frames):
            packet = av.Packet(payload)
            packet.pts = packet.dts = first.pts + index * step * pts_step
            packet.time_base = time_base
            packet.stream = stream
            out.mux(packet)
    return path


SDP_PORT = 45678


def sdp_disguised_as_3gp(path: Path, port: int = SDP_PORT) -> Path:
    """A text file whose first bytes match the 3GP signature check and which FFmpeg's probing
    reads as an SDP session description: opening it binds UDP `port` and waits for RTP."""
    path.write_text(
        "ftyp3gp\n"
        "v=0\n"
        "o=- 0 0 IN IP4 127.0.0.1\n"
        "s=clip\n"
        "c=IN IP4 127.0.0.1\n"
        "t=0 0\n"
        f"m=video {port} RTP/AVP 96\n"
        "a=rtpmap:96 H264/90000\n"
    )
    return path
