import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest

from episodes.demo import synthetic_clip
from tests.factories import EpisodeFactory, InfantFactory, caregiver_of, staff
from tests.object_storage import media_storage_option


@pytest.fixture(autouse=True)
def media_dirs(settings, tmp_path, request):
    """Each test stores media and partial uploads in its own folders (or its own bucket on the
    local S3 server with --media-storage=s3), so a test can prove that nothing was left behind."""
    media = tmp_path / "media"
    partial = tmp_path / "partial"
    media.mkdir()
    partial.mkdir()
    bucket = None
    if media_storage_option(request.config) == "s3":
        server = request.getfixturevalue("s3_server")
        bucket = server.new_bucket()
        settings.STORAGES = {**settings.STORAGES, "default": server.storage(bucket.name)}
    else:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media)},
            },
        }
    settings.MEDIA_ROOT = str(media)
    settings.VIDEO_UPLOAD_PARTIAL_DIR = str(partial)
    return {"media": media, "partial": partial, "bucket": bucket}


@pytest.fixture
def local_disk_media(request):
    """For a measurement of the local-disk path itself: skipped on the S3 server (moto holds
    every object in its own memory; 1 GiB there measures moto, not the clinic)."""
    if media_storage_option(request.config) == "s3":
        pytest.skip("measures the local-disk path")


def stored_files(media_dirs) -> list:
    """Every stored media file (paths on disk, keys in a bucket) and every partial upload."""
    if media_dirs["bucket"] is not None:
        stored = [obj.key for obj in media_dirs["bucket"].objects.all()]
    else:
        stored = [p for p in media_dirs["media"].rglob("*") if p.is_file()]
    return stored + [p for p in media_dirs["partial"].rglob("*") if p.is_file()]


def stored_path(fieldfile) -> Path:
    """A local path to a stored file's bytes: the file itself on disk, a downloaded copy of the
    object in a bucket."""
    try:
        return Path(fieldfile.path)
    except NotImplementedError:
        copy = Path(tempfile.mkdtemp()) / Path(fieldfile.name).name
        with fieldfile.storage.open(fieldfile.name, "rb") as source, open(copy, "wb") as out:
            shutil.copyfileobj(source, out)
        return copy


def stored_exists(fieldfile) -> bool:
    return bool(fieldfile.name) and fieldfile.storage.exists(fieldfile.name)


def sha256_file(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def family(db):
    """An infant, its caregiver, a logged episode and a pediatrician of the same clinic."""
    infant = InfantFactory()
    parent = caregiver_of(infant)
    episode = EpisodeFactory(infant=infant, reported_by=parent)
    doctor = staff(clinic=infant.clinic)
    return {"infant": infant, "parent": parent, "episode": episode, "doctor": doctor}


@pytest.fixture
def clip(tmp_path):
    """Write a small generated clip and return its path."""

    def make(name="clip.mp4", **options) -> Path:
        path = tmp_path / name
        synthetic_clip(str(path), **options)
        return path

    return make
