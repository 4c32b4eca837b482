"""The Celery worker is SIGKILLed in the middle of video processing, an assessment and a referral
booking. Late acknowledgement hands each message to the next worker, the sweeps find what is left,
and every item completes exactly once."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from assessments.models import Assessment
from config.celery import app as celery_app
from episodes.demo import synthetic_clip
from episodes.models import EpisodeVideo, VideoState
from patients.models import AssessmentRequest
from tests.attacks.tally import TRIED
from tests.episodes.test_processing import stored_video
from tests.factories import EpisodeFactory
from tests.faults.services import Worker, wait_until
from tests.workups.factories import ReferralFactory, SlotFactory
from workups.models import Appointment, ReferralStatus

pytestmark = pytest.mark.services
CHECKPOINTS = ("video_process", "assess_infant", "book_referral")


def _send(broker_url: str, name: str, *args) -> None:
    with celery_app.connection_for_write(broker_url) as conn:
        celery_app.send_task(name, args=list(args), connection=conn)


def test_killing_the_worker_mid_task_loses_nothing_and_repeats_nothing(
    test_database_url, private_redis, tmp_path
):
    clip = tmp_path / "clip.mp4"
    synthetic_clip(str(clip))
    episode = EpisodeFactory()
    video = stored_video(episode, clip)
    infant = episode.infant
    AssessmentRequest.objects.create(
        infant=infant, trigger="new_episode", requested_at=timezone.now() - timedelta(hours=1)
    )
    referral = ReferralFactory(infant=infant, created_by=episode.reported_by)
    SlotFactory(clinic=infant.clinic, starts_at=timezone.now() + timedelta(days=1))
    broker = private_redis.url
    _send(broker, "episodes.video_process", str(video.uuid))
    _send(broker, "assessments.assess_infant", infant.pk)
    _send(broker, "workups.book_referral", referral.pk)

    env = {
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "VIDEO_PROCESSING_LEASE_SECONDS": "2",
        "FAULT_CHECKPOINT_DIR": str(tmp_path),
    }
    keys = {
        "video_process": video.uuid,
        "assess_infant": infant.uuid,
        "book_referral": referral.uuid,
    }
    killed: set[str] = set()
    while killed != set(CHECKPOINTS):
        waiting = [name for name in CHECKPOINTS if name not in killed]
        pauses = ",".join(f"{name}=120" for name in waiting)
        worker = Worker(
            broker_url=broker, database_url=test_database_url, FAULT_CHECKPOINT_PAUSES=pauses, **env
        ).start()

        def reached(waiting=waiting) -> list[str]:
            return [n for n in waiting if Path(tmp_path, f"{n}-{keys[n]}").exists()]

        try:
            assert wait_until(reached, timeout=60), f"no task reached a checkpoint of {waiting}"
        finally:
            worker.kill()
        for name in reached():
            Path(tmp_path, f"{name}-{keys[name]}").unlink()
            killed.add(name)
            TRIED["worker kills"] += 1

    worker = Worker(broker_url=broker, database_url=test_database_url, **env).start()
    try:
        # Past the lease and the visibility timeout: the sweeps and redelivery take over.
        wait_until(lambda: False, timeout=2.5)
        _send(broker, "episodes.videos_sweep")
        _send(broker, "assessments.sweep")

        def finished() -> bool:
            referral.refresh_from_db()
            return (
                EpisodeVideo.objects.get(pk=video.pk).state == VideoState.READY
                and not AssessmentRequest.objects.filter(infant=infant).exists()
                and referral.status == ReferralStatus.BOOKED
            )

        assert wait_until(finished, timeout=60), (
            EpisodeVideo.objects.get(pk=video.pk).state,
            AssessmentRequest.objects.filter(infant=infant).exists(),
            referral.status,
            worker.log.read_text()[-3000:],
        )
        # Let any duplicate delivery run too before counting.
        wait_until(lambda: False, timeout=3)
    finally:
        worker.stop()
    assert Assessment.objects.filter(infant=infant).count() == 1
    assert Appointment.objects.filter(referral=referral).count() == 1
    video.refresh_from_db()
    assert video.poster
    assert Path(video.poster.path).exists()
    posters = list(Path(video.poster.path).parent.glob("poster*"))
    assert len(posters) == 1, posters
