"""The caregivers who hold an infant's record, and the invitations that make them so."""

from typing import Self

from django.conf import settings
from django.db import models

from clinics.models import BaseModel, InvitationLink
from patients.models.infants import Infant


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    GUARDIAN = "guardian", "Guardian"
    OTHER = "other", "Other"


class GuardianshipQuerySet(models.QuerySet["Guardianship"]):
    def active(self) -> Self:
        return self.filter(revoked_at__isnull=True, caregiver__is_active=True)


class Guardianship(BaseModel):
    """A caregiver's link to an infant; the only way a caregiver reaches a record."""

    infant = models.ForeignKey(Infant, on_delete=models.CASCADE, related_name="guardianships")
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships"
    )
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = GuardianshipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["infant", "caregiver"],
                condition=models.Q(revoked_at__isnull=True),
                name="guardianship_one_active_per_caregiver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caregiver} ({self.get_relationship_display()}) of {self.infant}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(InvitationLink):
    """A single-use link that lets a caregiver set a password (or, with an existing account,
    accept after signing in) and become a guardian."""

    infant = models.ForeignKey(Infant, on_delete=models.CASCADE, related_name="invitations")
    # The number the nurses call; copied to the caregiver's account on acceptance.
    phone = models.CharField(max_length=40, blank=True)
    # The caregiver's language, if staff know it: the email is written in it and it becomes the
    # account's language on acceptance (empty: the browser's Accept-Language decides).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    relationship = models.CharField(max_length=16, choices=Relationship.choices)

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.infant}"
