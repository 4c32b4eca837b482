from django.db.models import QuerySet

from clinics.models import User
from clinics.selectors import membership_for
from patients.models import Guardianship, Infant


def infants_visible_to(user: User) -> QuerySet[Infant]:
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


def is_caregiver_of(user: User, infant: Infant) -> bool:
    return Guardianship.objects.active().filter(caregiver=user, infant=infant).exists()
