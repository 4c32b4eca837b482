"""Media in an S3-compatible bucket: the settings switch, an unreachable bucket, ranged reads."""

import pytest
from botocore.config import Config

from config.settings.base import object_storage
from episodes.models import EpisodeVideo
from tests.episodes.conftest import stored_files
from tests.episodes.test_video_upload import send
from tests.object_storage import free_port


def test_a_bucket_name_switches_media_to_object_storage_with_private_objects():
    storage = object_storage("clinic-media")
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "clinic-media"
    assert options["default_acl"] is None
    assert options["file_overwrite"] is False
    assert options["max_memory_size"] > 0, "a 1 GiB original must spill to disk, not memory"


@pytest.mark.django_db
def test_an_unreachable_bucket_is_a_503_and_leaves_nothing_behind(
    settings, token_client, family, clip, media_dirs
):
    closed = free_port()  # nothing listens there
    settings.STORAGES = {
        **settings.STORAGES,
        "default": object_storage(
            "clinic-media",
            endpoint_url=f"http://127.0.0.1:{closed}",
            access_key="k",
            secret_key="s",
            region_name="us-east-1",
            client_config=Config(connect_timeout=1, retries={"max_attempts": 1}),
        ),
    }
    response = send(
        token_client(family["parent"]), family["episode"], "clip.mp4", clip().read_bytes()
    )
    assert response.status_code == 503, response.content
    assert "storage is unavailable" in response.json()["detail"]
    assert not EpisodeVideo.objects.exists()
    assert [p for p in stored_files({**media_dirs, "bucket": None})] == []
