"""Infants registered and updated, every read and change audited, the engine asked to re-assess
when what it reads changes, and the infant's stored standing written."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinics.models import AuditAction, AuditChannel, Clinic, User
from clinics.services import (
    ClientRequest,
    audit_record,
)
from clinics.tasks_dispatch import enqueue_on_commit
from patients.models import (
    INFANT_LIST_FIELDS,
    MEDICATION_FIELDS,
    AssessmentRequest,
    Infant,
    NeuroExam,
)
from patients.selectors import infant_development_status

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
    "size_for_gestational_age",
    "skin_signs",
    "head",
    "fontanelle",
    "family_history",
    "neuro_exam",
    "medications",
    "assigned_clinician",
)


def _validate_infant(infant: Infant) -> None:
    errors = {}
    if infant.born_at and infant.born_at > timezone.now():
        errors["born_at"] = "The date and time of birth cannot be in the future."
    duplicate = Infant.objects.filter(clinic=infant.clinic, mrn=infant.mrn).exclude(pk=infant.pk)
    if infant.mrn and duplicate.exists():
        errors["mrn"] = "Another infant in this clinic already has this medical record number."
    if isinstance(infant.medications, list):
        infant.medications = [
            {**dose, "given_at": dose["given_at"].isoformat()}
            if isinstance(dose, dict) and isinstance(dose.get("given_at"), datetime)
            else dose
            for dose in infant.medications
        ]
    for name, vocabulary in INFANT_LIST_FIELDS.items():
        problem = _list_problem(getattr(infant, name), vocabulary)
        if problem:
            errors[name] = problem
    exclusive = {NeuroExam.NOT_DONE, NeuroExam.NORMAL} & set(infant.neuro_exam or [])
    if not errors.get("neuro_exam") and exclusive and len(infant.neuro_exam) > 1:
        errors["neuro_exam"] = (
            f"'{exclusive.pop()}' cannot be recorded together with other findings."
        )
    problem = _medications_problem(infant)
    if problem:
        errors["medications"] = problem
    if errors:
        raise ValidationError(errors)
    if infant.born_at is None:
        raise ValidationError({"born_at": "The date and time of birth is required."})
    infant.born_on = infant.born_at.astimezone(ZoneInfo(infant.clinic.time_zone)).date()
    infant.full_clean()


def _list_problem(value: object, vocabulary: Any) -> str:
    """What is wrong with a list of codes, naming the allowed codes; empty when nothing is."""
    if not isinstance(value, list):
        return f"Must be a list of codes (empty for none); allowed: {', '.join(vocabulary.values)}."
    unknown = [code for code in value if code not in vocabulary.values]
    if unknown:
        return (
            f"Unknown code(s) {', '.join(map(str, unknown))}; "
            f"allowed: {', '.join(vocabulary.values)}."
        )
    if len(set(value)) != len(value):
        return "Each code may appear once."
    return ""


def _medications_problem(infant: Infant) -> str:
    """Each dose names a drug and the response from their vocabularies and a time between birth
    and now (ISO 8601 with its offset)."""
    doses = infant.medications
    if not isinstance(doses, list):
        return "Must be a list of doses: drug, given_at, response."
    for index, dose in enumerate(doses):
        if not isinstance(dose, dict) or set(dose) != {"drug", "given_at", "response"}:
            return f"Dose {index + 1}: give exactly drug, given_at and response."
        for key, vocabulary in MEDICATION_FIELDS.items():
            if dose[key] not in vocabulary.values:
                return (
                    f"Dose {index + 1}: unknown {key} {dose[key]!r}; "
                    f"allowed: {', '.join(vocabulary.values)}."
                )
        try:
            given_at = datetime.fromisoformat(str(dose["given_at"]))
        except ValueError:
            return f"Dose {index + 1}: given_at must be an ISO 8601 time."
        if given_at.tzinfo is None:
            return f"Dose {index + 1}: given_at needs its UTC offset."
        if infant.born_at and not infant.born_at <= given_at <= timezone.now() + timedelta(
            minutes=5
        ):
            return f"Dose {index + 1}: given_at must be between birth and now."
    return ""


def infant_record_audit(
    *,
    actor: User | None,
    action: AuditAction,
    resource: str,
    channel: AuditChannel,
    infant: Infant | None = None,
    infant_uuids: Iterable[Any] | None = None,
    object_uuid: UUID | str | None = None,
    request: ClientRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """The audit row for a read or write of part of an infant's record, filed under the
    infant and its clinic; or, for a list read (`infant_uuids`), one row naming every infant
    the list showed, filed under each of them. Every app above this one writes its
    infant-scoped rows through it."""
    if infant is not None:
        audit_record(
            actor=actor,
            action=action,
            resource=resource,
            channel=channel,
            clinic=infant.clinic,
            infant_uuid=infant.uuid,
            object_uuid=object_uuid,
            request=request,
            detail=detail,
        )
        return
    audit_record(
        actor=actor,
        action=action,
        resource=resource,
        channel=channel,
        infant_uuids=infant_uuids or (),
        object_uuid=object_uuid,
        request=request,
        detail=detail,
    )


@transaction.atomic
def infant_register(
    *,
    clinic: Clinic,
    registered_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
    **fields: Any,
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
    *,
    infant: Infant,
    updated_by: User,
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
    **fields: Any,
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
    if ENGINE_INFANT_FIELDS.intersection(changed):
        infant_request_assessment(infant=infant, trigger=RECORD_CHANGE, requested_by=updated_by)
    infant_record_audit(
        actor=updated_by,
        action=AuditAction.UPDATE,
        resource="infant",
        channel=channel,
        infant=infant,
        object_uuid=infant.uuid,
        request=request,
        detail={"fields": changed},
    )
    return infant


def birth_datetime(clinic: Clinic, date_value: date, time_value: time) -> datetime:
    """A birth date and clock time entered in the clinic's own time zone."""
    return datetime.combine(date_value, time_value, tzinfo=ZoneInfo(clinic.time_zone))


ASSESS_INFANT_TASK = "assessments.assess_infant"
# Values of assessments.models.AssessmentTrigger.
NEW_EPISODE = "new_episode"
DEVELOPMENT_CHANGE = "development_change"
CLINICIAN_REQUEST = "clinician_request"
RECORD_CHANGE = "record_change"
# The infant's fields the engine reads: changing one re-assesses the infant.
ENGINE_INFANT_FIELDS = frozenset(
    {
        "born_at",
        "gestational_weeks",
        "gestational_days",
        "birth_weight_g",
        "maternal_diabetes",
        "feeding",
        "maternal_drug_exposure",
        "size_for_gestational_age",
        "skin_signs",
        "head",
        "fontanelle",
        "family_history",
        "neuro_exam",
        "medications",
    }
)


def _request_assessment_if_development_changed(
    infant: Infant, before: str, *, requested_by: User | None
) -> None:
    """The engine receives the development status, so a change re-assesses the infant."""
    if infant_development_status(infant) != before:
        infant_request_assessment(
            infant=infant, trigger=DEVELOPMENT_CHANGE, requested_by=requested_by
        )


def infant_request_assessment(
    *, infant: Infant, trigger: str, requested_by: User | None, ruleset: str = ""
) -> None:
    """Record that the infant needs assessing and nudge the worker after commit. The row is the
    truth: if the nudge is lost, the assessments sweep finds the row. A request naming a ruleset
    keeps it when later requests coalesce into the same row."""
    defaults = {"requested_at": timezone.now(), "trigger": trigger, "requested_by": requested_by}
    if ruleset:
        defaults["ruleset"] = ruleset
    AssessmentRequest.objects.update_or_create(infant=infant, defaults=defaults)
    enqueue_on_commit(ASSESS_INFANT_TASK, infant_id=infant.pk)


def infant_read_record(
    *,
    reader: User,
    infants: Iterable[Infant] = (),
    action: AuditAction,
    resource: str = "infant",
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
    infant_uuids: Iterable[Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Reads leave a row too: one "view" row per infant opened, one "list" row per list shown,
    naming the infants listed (the infants, or their `infant_uuids` when the list has them)."""
    if action == AuditAction.LIST:
        infant_record_audit(
            actor=reader,
            action=action,
            resource=resource,
            channel=channel,
            infant_uuids=infant_uuids
            if infant_uuids is not None
            else [infant.uuid for infant in infants],
            request=request,
            detail=detail,
        )
        return
    for infant in infants:
        infant_record_audit(
            actor=reader,
            action=action,
            resource=resource,
            channel=channel,
            infant=infant,
            object_uuid=infant.uuid,
            request=request,
            detail=detail,
        )


STANDING_FIELDS = frozenset(
    {
        "current_triage",
        "current_triage_rank",
        "current_leading_cause",
        "caregiver_advice",
        "assessed_at",
    }
)


def infant_record_standing(*, infant: Infant, standing: Mapping[str, object]) -> None:
    """Keep the infant's current standing in step with its assessments: every standing column at
    once, as `assessments.services.infant_standing_fields` builds them (the rank included)."""
    if set(standing) != STANDING_FIELDS:
        raise ValueError(f"A standing sets exactly {sorted(STANDING_FIELDS)}.")
    Infant.objects.filter(pk=infant.pk).update(**standing, updated_at=timezone.now())
    for name, value in standing.items():
        setattr(infant, name, value)
