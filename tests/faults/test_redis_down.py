"""Redis (broker and cache) is stopped while parents log episodes and upload videos: the requests
succeed, the data is in PostgreSQL, and once Redis is back the sweeps process everything."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from assessments.models import Assessment
from clinics.services import api_token_issue
from config.celery import app as celery_app
from episodes.demo import synthetic_clip
from episodes.models import Episode, EpisodeVideo, VideoState
from patients.models import AssessmentRequest
from tests.attacks.tally import TRIED
from tests.factories import EpisodeFactory, InfantFactory, caregiver_of
from tests.faults.services import WebServer, Worker, wait_until

pytestmark = pytest.mark.services


def test_parents_log_and_upload_while_redis_is_down_and_nothing_is_lost(
    test_database_url, private_redis, tmp_path
):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    episode = EpisodeFactory(infant=infant, reported_by=parent)
    _, key = api_token_issue(user=parent)
    headers = {"Authorization": f"Token {key}"}
    clips = []
    for number in range(2):
        path = tmp_path / f"clip{number}.mp4"
        synthetic_clip(str(path), seconds=0.5 + number * 0.5)
        clips.append(path)
    server = WebServer(
        database_url=test_database_url, broker_url=private_redis.url, log_dir=str(tmp_path)
    ).start()
    private_redis.stop()
    TRIED["faults injected"] += 1
    try:
        logged = []
        for hour in (1, 2, 3):
            response = requests.post(
                f"{server.url}/api/v1/episodes/",
                json={
                    "infant": str(infant.uuid),
                    "started_at": (timezone.now() - timedelta(hours=hour)).isoformat(),
                    "duration_s": 20,
                },
                headers=headers,
                timeout=30,
            )
            assert response.status_code == 201, (response.status_code, response.text[:500])
            logged.append(response.json()["id"])
        videos = []
        for path in clips:
            with open(path, "rb") as fh:
                response = requests.post(
                    f"{server.url}/api/v1/episodes/{episode.uuid}/videos/",
                    files={"file": ("clip.mp4", fh, "video/mp4")},
                    headers=headers,
                    timeout=30,
                )
            assert response.status_code == 201, (response.status_code, response.text[:500])
            videos.append(response.json()["id"])
        TRIED["requests during Redis outage"] += len(logged) + len(videos)
    finally:
        server.stop()
        private_redis.start()

    # Everything is in PostgreSQL, waiting for the worker.
    assert Episode.objects.filter(uuid__in=logged).count() == 3
    assert AssessmentRequest.objects.filter(infant=infant).exists()
    assert set(EpisodeVideo.objects.filter(uuid__in=videos).values_list("state", flat=True)) == {
        VideoState.UPLOADED
    }
    # Time passes: the requests are older than the sweeps' grace periods.
    AssessmentRequest.objects.filter(infant=infant).update(
        requested_at=timezone.now() - timedelta(hours=1)
    )
    worker = Worker(
        broker_url=private_redis.url,
        database_url=test_database_url,
        VIDEO_SWEEP_GRACE_SECONDS="0",
        FAULT_CHECKPOINT_DIR=str(tmp_path),
    ).start()
    try:
        with celery_app.connection_for_write(private_redis.url) as conn:
            celery_app.send_task("episodes.videos_sweep", connection=conn)
            celery_app.send_task("assessments.sweep", connection=conn)

        def processed() -> bool:
            states = set(
                EpisodeVideo.objects.filter(uuid__in=videos).values_list("state", flat=True)
            )
            return (
                states == {VideoState.READY}
                and not AssessmentRequest.objects.filter(infant=infant).exists()
            )

        assert wait_until(processed, timeout=60), worker.log.read_text()[-2000:]
    finally:
        worker.stop()
    assert Assessment.objects.filter(infant=infant).count() == 1
