import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from clinics.models import (
    ApiToken,
    AuditAction,
    AuditChannel,
    AuditEvent,
    Clinic,
    Membership,
    Notification,
    NotificationKind,
    Role,
    User,
)
from clinics.selectors import membership_for
from clinics.sms import SmsMessage, sms_backend


def token_digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[ApiToken, str]:
    """Issue a new API token; the raw key is returned once and never stored."""
    raw_key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        key_digest=token_digest(raw_key),
        prefix=raw_key[:8],
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS),
    )
    token.full_clean()
    token.save()
    return token, raw_key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """A revoked token stops working on the next request."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


@transaction.atomic
def clinic_ensure(*, slug: str, name: str, time_zone: str = "UTC") -> Clinic:
    """Create the clinic, or update its name if it already exists."""
    clinic, _ = Clinic.objects.update_or_create(
        slug=slug, defaults={"name": name, "time_zone": time_zone}
    )
    return clinic


@transaction.atomic
def staff_member_ensure(
    *, clinic: Clinic, email: str, role: Role, password: str, full_name: str = ""
) -> Membership:
    """A staff account with one role in the clinic; clinic admins may use the Django admin."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    else:
        user.set_password(password)
        if full_name:
            user.full_name = full_name
    user.is_staff = user.is_staff or role == Role.CLINIC_ADMIN
    user.save()
    membership, _ = Membership.objects.update_or_create(
        user=user, clinic=clinic, defaults={"role": role, "is_active": True}
    )
    return membership


@transaction.atomic
def api_tokens_purge(*, older_than_days: int = 30) -> int:
    """Tokens expired or revoked for more than `older_than_days` are deleted; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = ApiToken.objects.filter(expires_at__lt=cutoff) | ApiToken.objects.filter(
        revoked_at__lt=cutoff
    )
    deleted, _ = stale.delete()
    return deleted


def _client_address(request) -> str | None:
    # Behind the production proxy the client is the first X-Forwarded-For hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return address or None


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    resource: str,
    channel: AuditChannel,
    clinic: Clinic | None = None,
    infant_uuid=None,
    object_uuid=None,
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Every read or write of an infant's record leaves a row: who, role, clinic, infant, action,
    when and from where. Called inside the caller's transaction, so the row and the change it
    records are committed together."""
    membership = membership_for(actor) if actor is not None else None
    if actor is None or not actor.is_authenticated:
        role = "anonymous"
        actor = None
    else:
        role = membership.role if membership else "caregiver"
    event = AuditEvent(
        actor=actor,
        actor_role=role,
        clinic=clinic or (membership.clinic if membership else None),
        infant_uuid=infant_uuid,
        object_uuid=object_uuid,
        action=action,
        resource=resource,
        channel=channel,
        detail=detail or {},
    )
    if request is not None:
        event.method = request.method[:10]
        event.path = request.get_full_path()[:500]
        event.client_address = _client_address(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    event.save()
    return event


def notify(
    *,
    recipients,
    kind: NotificationKind,
    title: str,
    body: str = "",
    link: str = "",
    clinic: Clinic | None = None,
    infant_uuid=None,
    dedupe_key: str = "",
    send_email: bool = True,
    send_sms: bool = False,
) -> list[Notification]:
    """One in-app notification per recipient, delivered by email/SMS after commit. With a
    dedupe_key, a recipient who already had this event is not notified again."""
    from clinics.tasks import notification_deliver_task

    created = []
    for recipient in {r.pk: r for r in recipients}.values():
        if (
            dedupe_key
            and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
        ):
            continue
        notification = Notification(
            recipient=recipient,
            kind=kind,
            title=title[:200],
            body=body,
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
        transaction.on_commit(
            lambda pk=notification.pk: notification_deliver_task.delay(pk), robust=True
        )
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


def notifications_pending():
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
