"""Multipart uploads: every refusal leaves nothing stored; a good file is kept once."""

import http.client
import time
import urllib.parse
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clinics.models import AuditEvent
from clinics.services import api_token_issue
from episodes.models import EpisodeVideo, VideoState
from tests.episodes.conftest import sha256_file, stored_files, stored_path
from tests.factories import EpisodeFactory, staff


def upload_url(episode) -> str:
    return f"/api/v1/episodes/{episode.uuid}/videos/"


def send(client, episode, name, data, content_type="video/mp4"):
    return client.post(
        upload_url(episode),
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        format="multipart",
    )


@pytest.mark.django_db
def test_parent_uploads_a_video_and_its_checksum_is_stored(
    token_client, family, clip, media_dirs, django_capture_on_commit_callbacks
):
    source = clip()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = send(
            token_client(family["parent"]), family["episode"], "IMG_0001.MP4", source.read_bytes()
        )
    assert response.status_code == 201, response.content
    body = response.json()
    video = EpisodeVideo.objects.get(uuid=body["id"])
    assert body["sha256"] == sha256_file(source) == video.sha256
    assert body["size_bytes"] == source.stat().st_size
    assert body["state"] == "uploaded"
    assert body["links"]["media"].endswith(f"/api/v1/videos/{video.uuid}/media/")
    assert sha256_file(stored_path(video.original)) == sha256_file(source)
    assert video.original_filename == "IMG_0001.MP4"
    assert len(callbacks) == 1, "processing is enqueued only after commit"
    assert AuditEvent.objects.filter(resource="episode_video", action="create").count() == 1


@pytest.mark.django_db
def test_the_same_file_twice_is_one_video(token_client, family, clip):
    data = clip().read_bytes()
    client = token_client(family["parent"])
    first = send(client, family["episode"], "a.mp4", data)
    second = send(client, family["episode"], "copy-of-a.mp4", data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert EpisodeVideo.objects.count() == 1


@pytest.mark.django_db
def test_the_episode_lists_its_videos(token_client, family, clip):
    client = token_client(family["parent"])
    send(client, family["episode"], "a.mp4", clip().read_bytes())
    body = client.get(f"/api/v1/episodes/{family['episode'].uuid}/").json()
    assert body["video_available"] is True
    assert [v["state"] for v in body["videos"]] == ["uploaded"]
    assert set(body["videos"][0]["links"]) == {"media", "poster", "original"}


@pytest.mark.django_db
def test_a_renamed_text_file_is_refused_as_415(token_client, family, media_dirs):
    response = send(
        token_client(family["parent"]),
        family["episode"],
        "video.mp4",
        b"these are my notes, not a video\n" * 100,
    )
    assert response.status_code == 415
    assert "not a video" in response.json()["detail"]
    assert "detected" in response.json()["detail"]
    assert not EpisodeVideo.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_a_picture_renamed_as_video_names_the_detected_type(token_client, family, media_dirs):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    response = send(token_client(family["parent"]), family["episode"], "clip.mov", png)
    assert response.status_code == 415
    assert "image/png" in response.json()["detail"]
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_a_zero_byte_file_is_refused_as_400(token_client, family, media_dirs):
    response = send(token_client(family["parent"]), family["episode"], "empty.mp4", b"")
    assert response.status_code == 400
    assert "empty" in response.json()["detail"]
    assert not EpisodeVideo.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_as_413_while_streaming(
    token_client, family, clip, media_dirs, settings
):
    data = clip(seconds=2).read_bytes()
    settings.VIDEO_MAX_UPLOAD_BYTES = len(data) - 1
    response = send(token_client(family["parent"]), family["episode"], "big.mp4", data)
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]
    assert not EpisodeVideo.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_a_body_announced_over_the_limit_is_refused_unread(token_client, family, settings):
    settings.VIDEO_MAX_UPLOAD_BYTES = 1000
    client = token_client(family["parent"])
    response = client.generic(
        "POST",
        upload_url(family["episode"]),
        b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(10 * 1024 * 1024),
    )
    assert response.status_code == 413


@pytest.mark.django_db
def test_a_wrong_episode_id_is_404(token_client, family, clip, media_dirs):
    client = token_client(family["parent"])
    response = client.post(
        f"/api/v1/episodes/{uuid.uuid4()}/videos/",
        {"file": SimpleUploadedFile("a.mp4", clip().read_bytes())},
        format="multipart",
    )
    assert response.status_code == 404
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_another_familys_episode_is_404(token_client, family, clip, media_dirs):
    stranger_episode = EpisodeFactory()
    response = send(token_client(family["parent"]), stranger_episode, "a.mp4", clip().read_bytes())
    assert response.status_code == 404
    assert not EpisodeVideo.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_another_clinics_staff_cannot_upload_404(token_client, family, clip):
    response = send(token_client(staff()), family["episode"], "a.mp4", clip().read_bytes())
    assert response.status_code == 404


@pytest.mark.django_db
def test_missing_file_field_is_400(token_client, family):
    response = token_client(family["parent"]).post(
        upload_url(family["episode"]), {"other": "x"}, format="multipart"
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_truncated_mp4_is_accepted_then_fails_processing_and_is_kept(
    token_client, family, clip, django_capture_on_commit_callbacks
):
    data = clip(seconds=2).read_bytes()
    truncated = data[: len(data) // 3]
    with django_capture_on_commit_callbacks(execute=True):
        response = send(token_client(family["parent"]), family["episode"], "cut.mp4", truncated)
    assert response.status_code == 201
    video = EpisodeVideo.objects.get(uuid=response.json()["id"])
    assert video.state == VideoState.FAILED
    assert "not a decodable video" in video.failure_reason
    assert sha256_file(stored_path(video.original)) == video.sha256, "kept unchanged for inspection"
    assert not video.rendition
    assert not video.poster


@pytest.mark.django_db(transaction=True)
def test_interrupted_multipart_upload_leaves_nothing_and_a_retry_succeeds(
    postgres, live_server, family, clip, media_dirs
):
    """Multipart cannot resume: a dropped connection must leave no trace, and the retry is a
    clean new upload with the right checksum."""

    _, key = api_token_issue(user=family["parent"])
    source = clip(seconds=3)
    data = source.read_bytes()
    boundary = "tremorboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + data + tail
    address = urllib.parse.urlsplit(live_server.url)
    path = upload_url(family["episode"])
    headers = {
        "Authorization": f"Token {key}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }

    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest("POST", path)
    for name, value in {**headers, "Content-Length": str(len(body))}.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(body[: len(body) // 2])
    connection.sock.close()  # the phone loses signal
    time.sleep(0.5)
    assert not EpisodeVideo.objects.exists()
    assert stored_files(media_dirs) == []

    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    assert response.status == 201, response.read()
    video = EpisodeVideo.objects.get()
    assert video.sha256 == sha256_file(source)
    assert sha256_file(stored_path(video.original)) == sha256_file(source)
