import uuid
from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinics.fields import UUIDListField


class BaseModel(models.Model):
    """Every record has a public UUID; integer keys never leave the database."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: clinic staff (a Membership) or a caregiver (a Guardianship)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # The language the account reads the product in (clinics.selectors.account_language): a
    # caregiver's choice at invitation or in the portal; empty means the browser's
    # Accept-Language. Staff pages are English whatever it says.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    is_active = models.BooleanField(default=True)
    # Django admin access: superusers only (clinic admins manage staff on the clinic pages).
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    # Looked up once per request and kept on the user object (clinics.selectors).
    _active_membership: "Membership | None"
    _family_clinic: "Clinic | None"

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Clinic(BaseModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    phone = models.CharField(max_length=40, blank=True)
    # The number the portal's emergency button dials (the local emergency services).
    emergency_number = models.CharField(max_length=20, default="911")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"
    PEDIATRICIAN = "pediatrician", "Pediatrician"
    NURSE = "nurse", "Nurse"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> Self:
        return self.filter(is_active=True, user__is_active=True)


class Membership(BaseModel):
    """A staff member's role in one clinic."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "clinic"], name="membership_user_clinic_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.clinic}"


class ApiToken(BaseModel):
    """A bearer token for the REST API. Only a hash is stored; tokens expire and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}... ({self.user})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"
    DENIED = "denied", "Refused access"


class AuditChannel(models.TextChoices):
    WEB = "web", "Web page"
    API = "api", "API"
    TASK = "task", "Background task"
    COMMAND = "command", "Command"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_infant(self, infant_uuid) -> Self:
        """The infant's trail: rows about it, and list reads that showed it."""
        return self.filter(
            models.Q(infant_uuid=infant_uuid) | models.Q(infant_uuids__includes=infant_uuid)
        )


class AuditEvent(models.Model):
    """One read or write of an infant's record. Append-only: the database refuses updates and
    deletes (triggers in migration 0003)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    # Who it was at the time: a later rename, role change or move does not rewrite the trail.
    actor_name = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=20)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor_clinic_name = models.CharField(max_length=200, blank=True)
    # The infant is named by its public id: clinics sits below patients and cannot import it.
    infant_uuid = models.UUIDField(null=True, blank=True)
    # A list read names every infant it showed (GIN-indexed on PostgreSQL: migration 0006).
    infant_uuids = UUIDListField()
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    resource = models.CharField(max_length=40)
    object_uuid = models.UUIDField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=AuditChannel.choices)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["infant_uuid", "-occurred_at"], name="audit_infant_time"),
            models.Index(fields=["clinic", "-occurred_at"], name="audit_clinic_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_role} {self.action} {self.resource}"

    @property
    def actor_display(self) -> str:
        """The name stored with the row; rows written before names were stored fall back to
        the account (load it with select_related("actor"))."""
        if self.actor_name:
            return self.actor_name
        return str(self.actor) if self.actor_id else "system"


class DeniedAccessTally(models.Model):
    """Refusals of one person in one minute: the first few are written to the audit trail, the
    rest only counted here, so probing cannot bury the trail's real reads
    (`clinics.services.audit_denied`)."""

    actor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="denied_tallies")
    window_start = models.DateTimeField()
    written = models.PositiveIntegerField(default=0)
    counted_only = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "window_start"], name="denied_tally_once_per_actor_minute"
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.window_start:%Y-%m-%d %H:%M}: {self.written} written"


class NotificationKind(models.TextChoices):
    TRIAGE_ALERT = "triage_alert", _("Triage alert")
    CRITICAL_RESULT = "critical_result", _("Critical result")
    ESCALATION = "escalation", _("Escalation")
    APPOINTMENT = "appointment", _("Appointment")
    REMINDER = "reminder", _("Reminder")
    ADVICE = "advice", _("Advice for caregivers")
    INFO = "info", _("Information")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)

    def for_recipient(self, user) -> Self:
        return self.filter(recipient=user)


class Notification(BaseModel):
    """An in-app message, also delivered by email (and SMS where asked) after commit."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    infant_uuid = models.UUIDField(null=True, blank=True)
    # The same event never notifies the same person twice (reruns of a task, retries).
    dedupe_key = models.CharField(max_length=200, blank=True)
    send_email = models.BooleanField(default=True)
    send_sms = models.BooleanField(default=False)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_recipient_and_event",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.title}"

    @property
    def is_delivered(self) -> bool:
        email_done = not self.send_email or self.email_sent_at is not None
        sms_done = not self.send_sms or self.sms_sent_at is not None or not self.recipient.phone
        return email_done and sms_done


class InvitationLinkQuerySet(models.QuerySet[Any]):
    def pending(self) -> Self:
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)


class InvitationLink(BaseModel):
    """A single-use link sent by email (caregiver and staff invitations). Only a SHA-256 digest
    of the token is stored; the raw token exists only in the email
    (`clinics.services.invitation_token_new`, `invitation_for_link`)."""

    email = models.EmailField()
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationLinkQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class StaffInvitation(InvitationLink):
    """Makes the invited person a member of one clinic with one role; the membership is created
    in the invitation's clinic when the link is used."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_invitations")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta(InvitationLink.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="staff_invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.clinic} as {self.get_role_display()}"
