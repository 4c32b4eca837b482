"""Hostile videos (issue 13, findings 3 and 4): a file is opened only with the demuxer its bytes
were identified as and the `file` protocol, refused before decoding when it declares more than
4096x2160, ten minutes or 36,000 pictures, counted while decoding, and decoded only in a child
process under CPU, memory and time limits, so it costs a bounded time and never the web worker."""

import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from episodes.models import EpisodeVideo, VideoState
from episodes.services import video_process
from tests.episodes.conftest import stored_files
from tests.episodes.hostile import SDP_PORT, repeated_picture_clip, sdp_disguised_as_3gp
from tests.episodes.test_processing import stored_video
from tests.episodes.test_video_upload import send


def _udp_ports() -> set[int]:
    ports = set()
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            ports.add(int(line.split()[1].rsplit(":", 1)[1], 16))
    return ports


@contextmanager
def udp_ports_bound():
    """Every local UDP port seen bound (by any process: the decoder runs in a child) while the
    block runs, sampled every few milliseconds."""
    before = _udp_ports()
    seen: set[int] = set()
    done = threading.Event()

    def sample():
        while not done.is_set():
            seen.update(_udp_ports() - before)
            done.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield seen
    finally:
        done.set()
        sampler.join()


@pytest.fixture
def uhd_clip(tmp_path):
    """The attack's clip: 600 pictures of 3840x2160 in about 45 KB of Matroska."""
    return repeated_picture_clip(tmp_path / "uhd.mkv", frames=600)


@pytest.mark.django_db
def test_a_text_file_posing_as_3gp_is_refused_at_upload_without_binding_a_socket(
    token_client, family, tmp_path, media_dirs
):
    data = sdp_disguised_as_3gp(tmp_path / "clip.3gp").read_bytes()
    started = time.monotonic()
    with udp_ports_bound() as bound:
        response = send(token_client(family["parent"]), family["episode"], "clip.3gp", data)
    elapsed = time.monotonic() - started
    assert response.status_code == 415, response.content
    assert SDP_PORT not in bound
    assert SDP_PORT + 1 not in bound
    assert elapsed < 5, f"refused in {elapsed:.1f} s"
    assert not EpisodeVideo.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_processing_a_stored_sdp_file_opens_no_network_and_fails_quickly(family, tmp_path):
    """Defence in depth: a file that did get in (stored before the signature check was fixed)
    is read with the MP4 demuxer only, never FFmpeg's SDP/RTP, and with the file protocol."""
    video = stored_video(
        family["episode"], sdp_disguised_as_3gp(tmp_path / "clip.3gp"), "video/3gpp"
    )
    started = time.monotonic()
    with udp_ports_bound() as bound:
        video = video_process(video_uuid=video.uuid)
    elapsed = time.monotonic() - started
    assert video.state == VideoState.FAILED
    assert "not a decodable video" in video.failure_reason
    assert SDP_PORT not in bound
    assert SDP_PORT + 1 not in bound
    assert elapsed < 5, f"failed in {elapsed:.1f} s"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"frames": 2, "size": (4112, 2160), "container_format": "mp4"}, "larger than 4096x2160"),
        ({"frames": 2, "size": (2160, 4112), "container_format": "mp4"}, "larger than 4096x2160"),
        (
            {"frames": 2, "size": (16, 16), "container_format": "mp4", "fps": 1, "pts_step": 700},
            "longer than 600 s",
        ),
        (
            {"frames": 36_001, "size": (16, 16), "container_format": "mp4", "fps": 100},
            "more than 36000",
        ),
    ],
    ids=["too-wide", "too-tall", "too-long", "too-many-pictures"],
)
def test_a_video_declaring_more_than_the_limits_is_refused_before_it_is_stored(
    token_client, family, tmp_path, media_dirs, options, reason
):
    data = repeated_picture_clip(tmp_path / "big.mp4", **options).read_bytes()
    started = time.monotonic()
    response = send(token_client(family["parent"]), family["episode"], "big.mp4", data)
    assert response.status_code == 422, response.content
    assert reason in response.json()["detail"]
    assert time.monotonic() - started < 5
    assert not EpisodeVideo.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_a_portrait_4k_video_is_within_the_limits(token_client, family, tmp_path):
    data = repeated_picture_clip(
        tmp_path / "tall.mp4", frames=2, size=(2160, 3840), container_format="mp4"
    ).read_bytes()
    response = send(token_client(family["parent"]), family["episode"], "tall.mp4", data)
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_pictures_are_counted_while_decoding_when_the_headers_do_not_say(
    family, settings, tmp_path
):
    """Matroska declares no picture count: only counting while decoding can stop it."""
    settings.VIDEO_MAX_FRAMES = 100
    clip = repeated_picture_clip(tmp_path / "long.mkv", frames=600, size=(64, 64))
    video = video_process(video_uuid=stored_video(family["episode"], clip, "video/x-matroska").uuid)
    assert video.state == VideoState.FAILED
    assert "more than 100 pictures" in video.failure_reason
    assert not video.rendition


@pytest.mark.django_db
def test_a_hostile_clip_costs_at_most_the_cpu_limit(family, settings, uhd_clip):
    settings.VIDEO_PROCESS_LIMITS = {**settings.VIDEO_PROCESS_LIMITS, "cpu_seconds": 1}
    video = stored_video(family["episode"], uhd_clip, "video/x-matroska")
    started = time.monotonic()
    video = video_process(video_uuid=video.uuid)
    elapsed = time.monotonic() - started
    assert video.state == VideoState.FAILED
    assert "CPU time" in video.failure_reason
    assert elapsed < 10, f"stopped after {elapsed:.1f} s"
    assert not video.rendition
    assert not video.poster


@pytest.mark.django_db(transaction=True)
def test_the_uhd_clip_no_longer_holds_the_upload_request(
    token_client, family, settings, uhd_clip, measured
):
    """Without a broker (the demo) tasks run in-process: the upload answers after the bounded
    checks and the decoding happens beside it. Before: the request decoded 600 UHD pictures
    (36 s on the demo, 10-40 s here)."""
    settings.VIDEO_PROCESS_IN_BACKGROUND_WITHOUT_BROKER = True
    client = token_client(family["parent"])
    started = time.monotonic()
    response = send(client, family["episode"], "uhd.mkv", uhd_clip.read_bytes())
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    video = EpisodeVideo.objects.get(uuid=response.json()["id"])
    assert video.state != VideoState.READY, "the request waited for the decoding"
    measured(f"upload of the 600-picture 3840x2160 clip answered in {elapsed:.2f} s")
    assert elapsed < 15
    deadline = time.monotonic() + 240
    while video.state in (VideoState.UPLOADED, VideoState.PROCESSING):
        assert time.monotonic() < deadline, "processing did not finish"
        time.sleep(0.2)
        video.refresh_from_db()
    assert video.state == VideoState.READY, video.failure_reason
    assert video.rendition
