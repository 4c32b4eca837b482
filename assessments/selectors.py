from django.db.models import QuerySet

from assessments.models import Assessment, TriageAlert
from clinics.models import User
from clinics.selectors import url_objects
from patients.selectors import infants_visible_to


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(infant__in=infants_visible_to(user))


def triage_alerts_visible_to(user: User) -> QuerySet[TriageAlert]:
    return TriageAlert.objects.filter(infant__in=infants_visible_to(user))


url_objects(assessment_uuid=assessments_visible_to, alert_uuid=triage_alerts_visible_to)
