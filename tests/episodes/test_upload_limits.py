"""Open resumable uploads are capped per person and per clinic (issue 13, finding 14): 25
unfinished 1 GiB uploads from one nurse would hold 25 GiB of disk."""

import base64

import pytest

from clinics.models import Role
from tests.factories import EpisodeFactory, InfantFactory, staff

pytestmark = pytest.mark.django_db


def _tus_create(client, episode, length):
    metadata = "episode " + base64.b64encode(str(episode.uuid).encode()).decode()
    return client.post(
        "/api/v1/uploads/",
        HTTP_UPLOAD_LENGTH=str(length),
        HTTP_UPLOAD_METADATA=metadata,
        HTTP_TUS_RESUMABLE="1.0.0",
    )


def test_a_person_holds_at_most_three_unfinished_uploads(token_client, media_dirs):
    nurse = staff(Role.NURSE)
    episode = EpisodeFactory(infant=InfantFactory(clinic=nurse.memberships.get().clinic))
    client = token_client(nurse)
    gib = 1024**3
    assert [_tus_create(client, episode, gib).status_code for _ in range(3)] == [201] * 3
    refused = _tus_create(client, episode, gib)
    assert refused.status_code == 429
    assert "3 unfinished uploads" in refused.content.decode()
    assert nurse.upload_sessions.count() == 3


def test_a_clinics_unfinished_uploads_are_capped_in_bytes(token_client, settings, media_dirs):
    settings.VIDEO_OPEN_UPLOAD_BYTES_PER_CLINIC = 3 * 1024**2
    nurse = staff(Role.NURSE)
    clinic = nurse.memberships.get().clinic
    colleague = staff(Role.NURSE, clinic=clinic)
    episode = EpisodeFactory(infant=InfantFactory(clinic=clinic))
    assert _tus_create(token_client(nurse), episode, 2 * 1024**2).status_code == 201
    refused = _tus_create(token_client(colleague), episode, 2 * 1024**2)
    assert refused.status_code == 429
    assert "3 MB" in refused.content.decode()
    # Another clinic's budget is its own.
    elsewhere = staff(Role.NURSE)
    their_episode = EpisodeFactory(infant=InfantFactory(clinic=elsewhere.memberships.get().clinic))
    assert _tus_create(token_client(elsewhere), their_episode, 2 * 1024**2).status_code == 201
