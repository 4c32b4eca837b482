"""The status-change row every transition function writes, shared by orders and referrals."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from clinics.models import BaseModel


class StatusEvent(BaseModel):
    """One status change written by a transition function: who moved it, when, from what to what
    (no `from_status` for the first). Subclasses add the subject and the two status fields."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)
    # Declared by each subclass (a CharField with its subject's status choices).
    from_status: str
    to_status: str

    class Meta:
        abstract = True
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
