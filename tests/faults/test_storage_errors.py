"""Disk full and unwritable upload folders: the upload is refused (507, or 503 for a folder that
cannot be written), and no row, stored file or partial file is left behind."""

import shutil

import pytest

from clinics.models import AuditEvent
from episodes.models import EpisodeVideo, UploadSession
from tests.attacks.tally import TRIED
from tests.episodes.conftest import clip, family, media_dirs, stored_files  # noqa: F401
from tests.episodes.test_tus import create, patch
from tests.episodes.test_video_upload import send

FULL_DISK = {"BACKEND": "tests.faults.storage.FullDiskStorage"}


@pytest.fixture
def full_disk(settings, media_dirs):  # noqa: F811
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**FULL_DISK, "OPTIONS": {"location": str(media_dirs["media"])}},
    }
    TRIED["faults injected"] += 1
    return media_dirs


def _nothing_kept(media_dirs) -> None:  # noqa: F811
    assert not EpisodeVideo.objects.exists()
    assert not UploadSession.objects.exists()
    assert not AuditEvent.objects.filter(resource="episode_video", action="create").exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_multipart_upload_on_a_full_disk_is_507_and_keeps_nothing(
    token_client,
    family,  # noqa: F811
    clip,  # noqa: F811
    full_disk,
):
    response = send(token_client(family["parent"]), family["episode"], "a.mp4", clip().read_bytes())
    assert response.status_code == 507, response.content
    _nothing_kept(full_disk)


@pytest.mark.django_db
def test_resumable_upload_completed_on_a_full_disk_is_507_and_keeps_nothing(
    token_client,
    family,  # noqa: F811
    clip,  # noqa: F811
    full_disk,
):
    data = clip().read_bytes()
    client = token_client(family["parent"])
    location = create(client, family["episode"], len(data))["Location"]
    response = patch(client, location, 0, data)
    assert response.status_code == 507, response.content
    _nothing_kept(full_disk)


@pytest.mark.django_db
def test_an_unwritable_partial_folder_refuses_uploads_and_keeps_nothing(
    token_client,
    family,  # noqa: F811
    clip,  # noqa: F811
    media_dirs,  # noqa: F811
):
    data = clip().read_bytes()
    client = token_client(family["parent"])
    location = create(client, family["episode"], len(data))["Location"]
    # The folder becomes unwritable (root ignores permission bits: it becomes a file instead).
    partial = media_dirs["partial"]
    shutil.rmtree(partial)
    partial.write_bytes(b"not a folder")
    TRIED["faults injected"] += 1
    chunk = patch(client, location, 0, data[:1000])
    assert chunk.status_code == 503, chunk.content
    assert UploadSession.objects.get().offset == 0
    started = create(client, family["episode"], len(data))
    assert started.status_code == 503, started.content
    assert UploadSession.objects.count() == 1  # only the first, which the client can delete
    partial.unlink()
    partial.mkdir()
    assert client.delete(location, HTTP_TUS_RESUMABLE="1.0.0").status_code == 204
    _nothing_kept(media_dirs)
