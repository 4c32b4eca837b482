from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from clinics.models import AuditAction, AuditEvent, AuditEventQuerySet, Role, User
from clinics.selectors import membership_for, url_objects
from patients.development import LogEntry, development_status_derive
from patients.models import (
    DevelopmentStatus,
    Guardianship,
    GuardianshipQuerySet,
    Infant,
    InfantQuerySet,
    Invitation,
)


def infants_visible_to(user: User) -> InfantQuerySet:
    """The one place that decides which infants a person may see.

    Staff see their clinic's infants; caregivers see the infants they have an active
    guardianship of; everyone else sees none. Every view, endpoint, export and task that reads
    infants starts here, so a revoked guardianship takes effect on the next request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Infant.objects.none()
    membership = membership_for(user)
    if membership is not None:
        return Infant.objects.filter(clinic_id=membership.clinic_id)
    return Infant.objects.filter(
        pk__in=Guardianship.objects.active().filter(caregiver=user).values("infant_id")
    )


def account_exists_for(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def is_caregiver_of(user: User, infant: Infant) -> bool:
    return Guardianship.objects.active().filter(caregiver=user, infant=infant).exists()


def infant_development_status(infant: Infant, today: date | None = None) -> DevelopmentStatus:
    """What the engine receives as `development`: a clinician's override (with its reason) wins;
    otherwise the milestone log decides (rules in patients/development.py)."""
    if infant.development_status_override:
        return DevelopmentStatus(infant.development_status_override)
    today = today or timezone.localdate()
    entries = [
        LogEntry(milestone=e.milestone, status=e.status, observed_on=e.observed_on)
        for e in infant.milestone_entries.all()
    ]
    return development_status_derive(
        age_days=infant.age_days,
        effective_age_days=infant.effective_age_days,
        entries=entries,
        today=today,
    )


def infant_access_history(infant: Infant, *, for_caregiver: bool = False) -> AuditEventQuerySet:
    """Who read or changed the infant's record (list reads that showed it included), newest
    first. Caregivers see what the infant's clinic's staff did: no refusals (another clinic's
    probing is for the clinic admin to see), and the page shows no addresses."""
    events = AuditEvent.objects.for_infant(infant.uuid).select_related("actor")
    if for_caregiver:
        events = events.filter(actor_role__in=Role.values, clinic_id=infant.clinic_id).exclude(
            action=AuditAction.DENIED
        )
    return events


def guardianships_visible_to(user: User) -> GuardianshipQuerySet:
    return Guardianship.objects.filter(infant__in=infants_visible_to(user))


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(infant__in=infants_visible_to(user))


url_objects(
    infant_id=infants_visible_to,
    infant_uuid=infants_visible_to,
    guardianship_id=guardianships_visible_to,
    invitation_id=invitations_visible_to,
)
