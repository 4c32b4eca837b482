from datetime import datetime
from zoneinfo import ZoneInfo

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinics.models import AuditAction, AuditChannel, Clinic, User
from clinics.services import audit_record
from patients.models import AssessmentRequest, FamilyHistory, Guardianship, Infant, Relationship

INFANT_FIELDS = (
    "mrn",
    "given_name",
    "family_name",
    "sex",
    "born_at",
    "gestational_weeks",
    "gestational_days",
    "birth_weight_g",
    "maternal_diabetes",
    "feeding",
    "maternal_hyperparathyroidism",
    "maternal_vitamin_d_deficiency",
    "maternal_drug_exposure",
    "maternal_drug_details",
    "family_history",
    "neuro_exam",
    "assigned_clinician",
)


def _validate_infant(infant: Infant) -> None:
    errors = {}
    if infant.born_at and infant.born_at > timezone.now():
        errors["born_at"] = "The date and time of birth cannot be in the future."
    unknown = [code for code in infant.family_history if code not in FamilyHistory.values]
    if unknown:
        errors["family_history"] = (
            f"Unknown code(s) {', '.join(map(str, unknown))}; "
            f"allowed: {', '.join(FamilyHistory.values)}."
        )
    if errors:
        raise ValidationError(errors)
    infant.born_on = infant.born_at.astimezone(ZoneInfo(infant.clinic.time_zone)).date()
    infant.full_clean()


@transaction.atomic
def infant_register(
    *, clinic: Clinic, registered_by: User, request=None, channel=AuditChannel.WEB, **fields
) -> Infant:
    """Register an infant in the clinic; the medical record number is unique within it."""
    unexpected = set(fields) - set(INFANT_FIELDS)
    if unexpected:
        raise TypeError(f"Unknown infant fields: {sorted(unexpected)}")
    infant = Infant(clinic=clinic, **fields)
    _validate_infant(infant)
    infant.save()
    audit_record(
        actor=registered_by,
        action=AuditAction.CREATE,
        resource="infant",
        channel=channel,
        clinic=clinic,
        infant_uuid=infant.uuid,
        object_uuid=infant.uuid,
        request=request,
    )
    return infant


@transaction.atomic
def infant_update(
    *, infant: Infant, updated_by: User, request=None, channel=AuditChannel.WEB, **fields
) -> Infant:
    """Change an infant's record; the audit row names the fields that changed."""
    unexpected = set(fields) - set(INFANT_FIELDS)
    if unexpected:
        raise TypeError(f"Unknown infant fields: {sorted(unexpected)}")
    changed = sorted(name for name, value in fields.items() if getattr(infant, name) != value)
    for name, value in fields.items():
        setattr(infant, name, value)
    _validate_infant(infant)
    infant.save()
    audit_record(
        actor=updated_by,
        action=AuditAction.UPDATE,
        resource="infant",
        channel=channel,
        clinic=infant.clinic,
        infant_uuid=infant.uuid,
        object_uuid=infant.uuid,
        request=request,
        detail={"fields": changed},
    )
    return infant


@transaction.atomic
def guardianship_link(
    *,
    infant: Infant,
    caregiver: User,
    relationship: Relationship,
    linked_by: User | None,
    request=None,
) -> Guardianship:
    """Link a caregiver to an infant; an existing active link is returned, not duplicated."""
    existing = Guardianship.objects.active().filter(infant=infant, caregiver=caregiver).first()
    if existing is not None:
        return existing
    guardianship = Guardianship(
        infant=infant, caregiver=caregiver, relationship=relationship, created_by=linked_by
    )
    guardianship.full_clean()
    guardianship.save()
    audit_record(
        actor=linked_by,
        action=AuditAction.CREATE,
        resource="guardianship",
        channel=AuditChannel.WEB if request else AuditChannel.COMMAND,
        clinic=infant.clinic,
        infant_uuid=infant.uuid,
        object_uuid=guardianship.uuid,
        request=request,
    )
    return guardianship


@transaction.atomic
def guardianship_revoke(
    *, guardianship: Guardianship, revoked_by: User, request=None
) -> Guardianship:
    """Revoking takes effect on the caregiver's next request, API tokens included."""
    if guardianship.revoked_at is None:
        guardianship.revoked_at = timezone.now()
        guardianship.revoked_by = revoked_by
        guardianship.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit_record(
            actor=revoked_by,
            action=AuditAction.UPDATE,
            resource="guardianship",
            channel=AuditChannel.WEB,
            clinic=guardianship.infant.clinic,
            infant_uuid=guardianship.infant.uuid,
            object_uuid=guardianship.uuid,
            request=request,
            detail={"revoked": True},
        )
    return guardianship


def birth_datetime(clinic: Clinic, date_value, time_value) -> datetime:
    """A birth date and clock time entered in the clinic's own time zone."""
    return datetime.combine(date_value, time_value, tzinfo=ZoneInfo(clinic.time_zone))


ASSESS_INFANT_TASK = "assessments.assess_infant"


def infant_request_assessment(*, infant: Infant, trigger: str, requested_by: User | None) -> None:
    """Record that the infant needs assessing and nudge the worker after commit. The row is the
    truth: if the nudge is lost, the assessments sweep finds the row."""
    AssessmentRequest.objects.update_or_create(
        infant=infant,
        defaults={"requested_at": timezone.now(), "trigger": trigger, "requested_by": requested_by},
    )
    # Named rather than imported: the assessments app sits above this one.
    transaction.on_commit(
        lambda: current_app.tasks[ASSESS_INFANT_TASK].delay(infant.pk), robust=True
    )
