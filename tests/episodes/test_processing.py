"""Video processing: probe, poster, playable rendition; failures; the sweep; media access."""

import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import av
import pytest
from django.core.files import File
from django.utils import timezone

from clinics.models import AuditEvent
from episodes.models import EpisodeVideo, VideoState
from episodes.services import video_process
from episodes.tasks import video_process_task, videos_sweep_task
from tests.episodes.conftest import sha256_file, stored_exists, stored_path
from tests.factories import sign_in_verified, staff


def stored_video(episode, path: Path, content_type="video/mp4", **fields) -> EpisodeVideo:
    video = EpisodeVideo(
        episode=episode,
        uploaded_by=episode.reported_by,
        content_type=content_type,
        size_bytes=path.stat().st_size,
        sha256=sha256_file(path),
        **fields,
    )
    with open(path, "rb") as fh:
        video.original.save(f"original{path.suffix}", File(fh), save=False)
    video.save()
    return video


def codecs_of(path) -> tuple[str, str]:
    with av.open(str(path)) as container:
        return container.streams.video[0].codec_context.name, container.format.name


@pytest.mark.django_db
def test_hevc_clip_gets_a_playable_h264_rendition_and_a_poster(family, clip):
    source = clip("hevc.mp4", codec="libx265", audio=True, rotation=90)
    video = stored_video(family["episode"], source)
    video = video_process(video_uuid=video.uuid)
    assert video.state == VideoState.READY
    assert (video.video_codec, video.audio_codec, video.rotation) == ("hevc", "aac", 90)
    assert (video.width, video.height) == (96, 64)
    assert video.duration_s == pytest.approx(1.0, abs=0.2)
    assert codecs_of(stored_path(video.rendition))[0] == "h264"
    with av.open(stored_path(video.rendition)) as rendition:
        assert rendition.streams.video[0].codec_context.pix_fmt == "yuv420p"
        assert rendition.streams.audio[0].codec_context.name == "aac"
        assert "location" not in {k.lower() for k in rendition.metadata}
    assert stored_path(video.poster).read_bytes()[:3] == b"\xff\xd8\xff"
    assert sha256_file(stored_path(video.original)) == video.sha256, "the original is never altered"


@pytest.mark.django_db
def test_rendition_drops_location_metadata(family, clip):
    tagged = clip("phone.mov", container_format="mov", metadata={"location": "+48.85+002.29/"})
    with av.open(str(tagged)) as original:
        assert "location" in original.metadata
    video = video_process(
        video_uuid=stored_video(family["episode"], tagged, "video/quicktime").uuid
    )
    assert video.state == VideoState.READY
    with av.open(stored_path(video.rendition)) as rendition:
        assert "location" not in rendition.metadata
        assert rendition.streams.video[0].codec_context.name == "h264"


@pytest.mark.django_db
def test_playable_h264_mp4_needs_no_rendition(family, clip):
    video = stored_video(family["episode"], clip())
    video = video_process(video_uuid=video.uuid)
    assert video.state == VideoState.READY
    assert not video.rendition
    assert video.poster


@pytest.mark.django_db
def test_processing_a_ready_video_again_is_a_no_op(family, clip):
    video = video_process(video_uuid=stored_video(family["episode"], clip()).uuid)
    before = (video.poster.name, video.updated_at)
    assert video_process(video_uuid=video.uuid) is None
    video.refresh_from_db()
    assert (video.poster.name, video.updated_at) == before


@pytest.mark.django_db
def test_a_corrupt_file_fails_cleanly_with_a_reason(family, tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x13" * 5000)
    video = video_process(video_uuid=stored_video(family["episode"], junk).uuid)
    assert video.state == VideoState.FAILED
    assert video.failure_reason.startswith("not a decodable video")
    assert stored_exists(video.original)


@pytest.mark.django_db
def test_a_storage_error_releases_the_video_and_is_retried(family, clip):
    video = stored_video(family["episode"], clip())
    with (
        mock.patch("episodes.services.processing.run_limited", side_effect=OSError("disk gone")),
        pytest.raises(OSError, match="disk gone"),
    ):
        video_process(video_uuid=video.uuid)
    video.refresh_from_db()
    assert video.state == VideoState.UPLOADED
    assert video_process(video_uuid=video.uuid).state == VideoState.READY


@pytest.mark.django_db
def test_a_live_lease_is_respected_and_an_expired_one_is_taken_over(family, clip, settings):
    video = stored_video(
        family["episode"],
        clip(),
        state=VideoState.PROCESSING,
        processing_started_at=timezone.now(),
    )
    assert video_process(video_uuid=video.uuid) is None
    EpisodeVideo.objects.filter(pk=video.pk).update(
        processing_started_at=timezone.now() - timedelta(hours=1)
    )
    assert video_process(video_uuid=video.uuid).state == VideoState.READY


@pytest.mark.django_db
def test_sweep_requeues_stale_uploads_and_expired_leases_only(family, clip):
    old = timezone.now() - timedelta(hours=2)
    lost = stored_video(family["episode"], clip("a.mp4"))
    EpisodeVideo.objects.filter(pk=lost.pk).update(created_at=old)
    dead = stored_video(
        family["episode"],
        clip("b.mp4", shade=1),
        state=VideoState.PROCESSING,
        processing_started_at=old,
    )
    fresh = stored_video(family["episode"], clip("c.mp4", shade=2))
    with mock.patch.object(video_process_task, "delay") as delay:
        assert videos_sweep_task() == 2
    assert {call.args[0] for call in delay.call_args_list} == {str(lost.uuid), str(dead.uuid)}
    assert str(fresh.uuid) not in {call.args[0] for call in delay.call_args_list}


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.services
def test_real_worker_turns_a_vp9_clip_into_a_playable_mp4(celery_worker, clip):
    from tests.factories import EpisodeFactory

    episode = EpisodeFactory()
    video = stored_video(
        episode,
        clip("vp9.mkv", codec="libvpx-vp9", container_format="matroska"),
        "video/x-matroska",
    )
    video_process_task.delay(str(video.uuid))
    assert wait_for(lambda: EpisodeVideo.objects.get(pk=video.pk).state == VideoState.READY)
    video.refresh_from_db()
    assert codecs_of(stored_path(video.rendition))[0] == "h264"
    assert video.poster
    assert sha256_file(stored_path(video.original)) == video.sha256


@pytest.mark.services
def test_sweep_finishes_a_video_whose_worker_died_mid_task(celery_worker, clip):
    from tests.factories import EpisodeFactory

    episode = EpisodeFactory()
    # The worker died holding the lease and its message is gone: nothing is queued.
    video = stored_video(
        episode,
        clip("hevc.mp4", codec="libx265"),
        state=VideoState.PROCESSING,
        processing_started_at=timezone.now() - timedelta(hours=1),
        processing_attempts=1,
    )
    videos_sweep_task.delay()
    assert wait_for(lambda: EpisodeVideo.objects.get(pk=video.pk).state == VideoState.READY)
    video.refresh_from_db()
    assert video.processing_attempts == 2
    assert codecs_of(stored_path(video.rendition))[0] == "h264"


@pytest.fixture
def ready_video(family, clip):
    return video_process(
        video_uuid=stored_video(family["episode"], clip("h.mp4", codec="libx265")).uuid
    )


@pytest.mark.django_db
def test_media_supports_ranges_for_seeking(token_client, family, ready_video):
    client = token_client(family["parent"])
    url = f"/api/v1/videos/{ready_video.uuid}/media/"
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    body = b"".join(whole.streaming_content)
    assert body == stored_path(ready_video.rendition).read_bytes()
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(body)}"
    assert b"".join(part.streaming_content) == body[10:20]
    tail = client.get(url, HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == body[-5:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(body) + 10}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(body)}"


@pytest.mark.django_db
def test_every_media_view_is_audited(token_client, family, ready_video):
    client = token_client(family["doctor"])
    client.get(f"/api/v1/videos/{ready_video.uuid}/poster/")
    original = client.get(f"/api/v1/videos/{ready_video.uuid}/original/")
    assert "attachment" in original["Content-Disposition"]
    assert b"".join(original.streaming_content) == stored_path(ready_video.original).read_bytes()
    actions = set(
        AuditEvent.objects.filter(object_uuid=ready_video.uuid).values_list("action", "resource")
    )
    assert ("view", "episode_video_poster") in actions
    assert ("download", "episode_video_original") in actions


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["media", "original", "poster"])
def test_media_of_another_clinic_or_family_is_404(token_client, ready_video, kind):
    from tests.factories import InfantFactory, caregiver_of

    url = f"/api/v1/videos/{ready_video.uuid}/{kind}/"
    assert token_client(staff()).get(url).status_code == 404
    assert token_client(caregiver_of(InfantFactory())).get(url).status_code == 404


@pytest.mark.django_db
def test_media_is_not_served_from_a_public_url(client, ready_video):
    from django.conf import settings

    assert client.get(f"{settings.MEDIA_URL}{ready_video.original.name}").status_code == 404
    assert client.get(f"/api/v1/videos/{ready_video.uuid}/media/").status_code in (401, 403)


@pytest.mark.django_db
def test_staff_page_plays_the_video_with_its_poster(client, family, ready_video):
    from django.urls import reverse

    sign_in_verified(client, family["doctor"])
    html = client.get(
        reverse("episodes:detail", kwargs={"episode_uuid": family["episode"].uuid})
    ).content.decode()
    assert "<video" in html
    assert "controls" in html
    assert f'poster="/api/v1/videos/{ready_video.uuid}/poster/"' in html
    assert f'src="/api/v1/videos/{ready_video.uuid}/media/"' in html
