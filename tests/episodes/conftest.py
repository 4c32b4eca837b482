import hashlib
from pathlib import Path

import pytest

from episodes.demo import synthetic_clip
from tests.factories import EpisodeFactory, InfantFactory, caregiver_of, staff


@pytest.fixture(autouse=True)
def media_dirs(settings, tmp_path):
    """Each test stores media and partial uploads in its own folders, so a test can prove that
    nothing was left behind."""
    media = tmp_path / "media"
    partial = tmp_path / "partial"
    media.mkdir()
    partial.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    settings.MEDIA_ROOT = str(media)
    settings.VIDEO_UPLOAD_PARTIAL_DIR = str(partial)
    return {"media": media, "partial": partial}


def stored_files(media_dirs) -> list[Path]:
    return [p for p in media_dirs["media"].rglob("*") if p.is_file()] + [
        p for p in media_dirs["partial"].rglob("*") if p.is_file()
    ]


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
