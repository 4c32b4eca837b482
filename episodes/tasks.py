from celery import shared_task

from episodes.intake import STORAGE_ERRORS
from episodes.services import (
    upload_partials_purge,
    video_analyse,
    video_process,
    videos_needing_analysis,
    videos_needing_processing,
)


@shared_task(
    name="episodes.video_process",
    autoretry_for=STORAGE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def video_process_task(video_uuid: str) -> str | None:
    video = video_process(video_uuid=video_uuid)
    return video.state if video is not None else None


@shared_task(
    name="episodes.video_analyse",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def video_analyse_task(video_uuid: str) -> str | None:
    analysis = video_analyse(video_uuid=video_uuid)
    return analysis.quality if analysis is not None else None


@shared_task(name="episodes.videos_sweep")
def videos_sweep_task() -> int:
    stale = videos_needing_processing()
    for video_uuid in stale:
        video_process_task.delay(str(video_uuid))
    unanalysed = videos_needing_analysis()
    for video_uuid in unanalysed:
        video_analyse_task.delay(str(video_uuid))
    return len(stale) + len(unanalysed)


@shared_task(name="episodes.upload_partials_purge")
def upload_partials_purge_task() -> int:
    return upload_partials_purge()
