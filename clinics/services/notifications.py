"""In-app notifications: written, delivered by email or text message, read and settled."""

from collections.abc import Iterable
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from clinics.models import (
    Clinic,
    Notification,
    NotificationKind,
    User,
)
from clinics.selectors import account_language
from clinics.sms import SmsMessage, sms_backend
from clinics.tasks_dispatch import enqueue_on_commit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def notify(
    *,
    recipients: Iterable[User],
    kind: NotificationKind,
    title: "StrOrPromise",
    body: "StrOrPromise" = "",
    link: str = "",
    clinic: Clinic | None = None,
    infant_uuid: UUID | str | None = None,
    dedupe_key: str = "",
    send_email: bool = True,
    send_sms: bool = False,
) -> list[Notification]:
    """One in-app notification per recipient, delivered by email/SMS after commit. With a
    dedupe_key, a recipient who already had this event is not notified again. A lazy title or
    body (gettext_lazy, format_lazy) is written in each recipient's language."""
    created = []
    for recipient in {r.pk: r for r in recipients}.values():
        if (
            dedupe_key
            and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
        ):
            continue
        with translation.override(account_language(recipient) or settings.LANGUAGE_CODE):
            recipient_title, recipient_body = str(title), str(body)
        notification = Notification(
            recipient=recipient,
            kind=kind,
            title=recipient_title[:200],
            body=recipient_body,
            link=link,
            clinic=clinic,
            infant_uuid=infant_uuid,
            dedupe_key=dedupe_key,
            send_email=send_email,
            send_sms=send_sms,
        )
        notification.full_clean()
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue  # a concurrent run notified this recipient first
        created.append(notification)
        enqueue_on_commit("clinics.notification_deliver", notification_id=notification.pk)
    return created


def notification_deliver(*, notification: Notification) -> Notification:
    """Send the email and text message of a notification, each at most once."""
    link = f"{settings.SITE_URL}{notification.link}" if notification.link else ""
    text = "\n\n".join(part for part in (notification.body, link) if part)
    if notification.send_email and notification.email_sent_at is None:
        send_mail(
            subject=f"[Tremor Clinic] {notification.title}",
            message=text or notification.title,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(email_sent_at=timezone.now())
    if notification.send_sms and notification.sms_sent_at is None and notification.recipient.phone:
        sms_backend().send(
            SmsMessage(to=notification.recipient.phone, body=f"{notification.title} {link}".strip())
        )
        Notification.objects.filter(pk=notification.pk).update(sms_sent_at=timezone.now())
    notification.refresh_from_db()
    return notification


def notifications_pending() -> QuerySet[Notification]:
    return Notification.objects.filter(
        models.Q(send_email=True, email_sent_at__isnull=True)
        | models.Q(send_sms=True, sms_sent_at__isnull=True, recipient__phone__gt="")
    )


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_settle(*, dedupe_key_prefix: str) -> int:
    """An alert someone has answered no longer waits in anyone's notifications: every unread
    notification of that event (and of its escalations) is marked read."""
    return Notification.objects.filter(
        dedupe_key__startswith=dedupe_key_prefix, read_at__isnull=True
    ).update(read_at=timezone.now(), updated_at=timezone.now())
