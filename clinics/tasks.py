from celery import shared_task

from clinics.services import api_tokens_purge


@shared_task(name="clinics.api_tokens_purge")
def api_tokens_purge_task() -> int:
    return api_tokens_purge()
