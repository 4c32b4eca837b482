from celery import shared_task

from clinics.models import Notification
from clinics.services import api_tokens_purge, notification_deliver, notifications_pending


@shared_task(name="clinics.api_tokens_purge")
def api_tokens_purge_task() -> int:
    return api_tokens_purge()


@shared_task(
    name="clinics.notification_deliver",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=8,
)
def notification_deliver_task(notification_id: int) -> None:
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.is_delivered:
        return
    notification_deliver(notification=notification)


@shared_task(name="clinics.notifications_sweep")
def notifications_sweep_task() -> int:
    """Re-send what a lost message or a dead worker left undelivered."""
    pending = list(notifications_pending().values_list("pk", flat=True)[:500])
    for pk in pending:
        notification_deliver_task.delay(pk)
    return len(pending)
