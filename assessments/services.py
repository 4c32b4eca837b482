from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from assessments.advice import advice_as_text, advice_for_level, advice_message
from assessments.cases import build_case
from assessments.engine import RULESETS, score
from assessments.models import (
    URGENT_TRIAGE,
    Assessment,
    AssessmentReview,
    AssessmentTrigger,
    ReviewDecision,
    Triage,
    TriageAlert,
)
from clinics.models import AuditAction, AuditChannel, Membership, NotificationKind, Role, User
from clinics.selectors import has_role
from clinics.services import ClientRequest, notifications_settle, notify
from config.faults import fault_checkpoint
from patients.models import AssessmentRequest, Guardianship, Infant
from patients.services import infant_record_audit, infant_record_standing, infant_request_assessment


def assessment_request(
    *, infant: Infant, trigger: AssessmentTrigger, requested_by: User | None = None
) -> None:
    """Ask for the infant to be re-assessed after this transaction commits. The request is a row,
    so a lost message only delays the assessment: the sweep picks the row up."""
    infant_request_assessment(infant=infant, trigger=trigger, requested_by=requested_by)


def _effective_triage(infant: Infant) -> str | None:
    """The triage the clinic is currently acting on: the latest assessment's, or a clinician's
    override of it."""
    latest = (
        Assessment.objects.for_infant(infant).latest_first().prefetch_related("reviews").first()
    )
    if latest is None:
        return None
    override = next((r for r in latest.reviews.all() if r.triage), None)
    return override.triage if override else latest.triage


# The ruleset new assessments are made with; each assessment stores its own version and input,
# and is replayed with them.
ASSESSMENT_RULESET = "2.0.0"
RULESETS_AVAILABLE = tuple(RULESETS)


def infant_standing_fields(
    *, triage: str, leading_cause: str, advice: str, at: datetime | None
) -> dict[str, object]:
    """The infant row's standing columns for a triage: the one place its stored rank (the
    dashboard's sort and the in-care range) is derived, from the engine's triage table."""
    return {
        "current_triage": triage,
        "current_triage_rank": Triage.rank(triage),
        "current_leading_cause": leading_cause,
        "caregiver_advice": advice,
        "assessed_at": at,
    }


def ruleset_score(case: dict[str, Any], *, ruleset: str) -> dict[str, Any]:
    """Score a case with the named ruleset (a stored assessment is replayed with its own)."""
    if ruleset not in RULESETS:
        raise ValueError(f"unknown ruleset {ruleset!r}; available: {', '.join(RULESETS)}")
    return score(case, ruleset=ruleset)


@transaction.atomic
def assessment_run(
    *,
    infant: Infant,
    trigger: str,
    requested_by: User | None = None,
    channel: AuditChannel = AuditChannel.TASK,
    ruleset: str = ASSESSMENT_RULESET,
) -> Assessment:
    """Score the infant's last 14 days of episodes and all results. When triage rises to same-day
    or emergency, the clinic's pediatricians are alerted and the caregivers advised at once."""
    case = build_case(infant, ruleset=ruleset)
    result = ruleset_score(case, ruleset=ruleset)
    previous_triage = _effective_triage(infant)
    assessment = Assessment(
        infant=infant,
        trigger=trigger,
        requested_by=requested_by,
        input_case=case,
        result=result,
        ruleset_version=result["ruleset"]["version"],
        ruleset_digest=result["ruleset"]["digest"],
        triage=result["triage"],
        leading_cause=result.get("leading_cause") or "",
        previous_triage=previous_triage or "",
    )
    assessment.full_clean()
    assessment.save()
    infant_record_standing(
        infant=infant,
        standing=infant_standing_fields(
            triage=assessment.triage,
            leading_cause=assessment.leading_cause,
            advice=assessment.caregiver_advice,
            at=assessment.created_at,
        ),
    )
    infant_record_audit(
        actor=requested_by,
        action=AuditAction.CREATE,
        resource="assessment",
        channel=channel,
        infant=infant,
        object_uuid=assessment.uuid,
        detail={"triage": assessment.triage, "ruleset": assessment.ruleset_version},
    )
    if assessment.triage in URGENT_TRIAGE and Triage.rank(assessment.triage) > Triage.rank(
        previous_triage
    ):
        triage_alert_raise(assessment=assessment)
    return assessment


def triage_alert_raise(*, assessment: Assessment) -> TriageAlert:
    infant = assessment.infant
    alert = TriageAlert.objects.create(
        assessment=assessment, infant=infant, triage=assessment.triage
    )
    infants_record_open_triage_alerts(infants=Infant.objects.filter(pk=infant.pk))
    pediatricians = [
        m.user
        for m in Membership.objects.active()
        .filter(clinic=infant.clinic, role=Role.PEDIATRICIAN)
        .select_related("user")
    ]
    label = assessment.get_triage_display()
    cause = assessment.get_leading_cause_display() or "cause unclear"
    notify(
        recipients=pediatricians,
        kind=NotificationKind.TRIAGE_ALERT,
        title=f"{label}: {infant.full_name} ({cause})",
        body="Rules fired: " + ", ".join(assessment.triage_rules),
        link=reverse("assessments:detail", args=[infant.uuid, assessment.uuid]),
        clinic=infant.clinic,
        infant_uuid=infant.uuid,
        dedupe_key=f"triage-alert:{assessment.uuid}",
        send_sms=assessment.triage == Triage.EMERGENCY,
    )
    caregivers = [g.caregiver for g in Guardianship.objects.active().filter(infant=infant)]
    notify(
        recipients=caregivers,
        kind=NotificationKind.ADVICE,
        # Lazy: notify() writes them in each caregiver's language.
        title=format_lazy(_("Advice about {infant}"), infant=infant.given_name),
        body=lazy(lambda: advice_message(assessment.result) or assessment.caregiver_advice, str)(),
        clinic=infant.clinic,
        infant_uuid=infant.uuid,
        dedupe_key=f"triage-advice:{assessment.uuid}",
        send_sms=assessment.triage == Triage.EMERGENCY,
    )
    return alert


def infants_record_open_triage_alerts(*, infants: QuerySet[Infant]) -> None:
    """Store on each infant whether a triage alert of theirs is unanswered and since when (the
    dashboard's sort keys), in the transaction that raised or answered it. The infants are locked
    first, so two alerts answered at once each see the other's answer."""
    list(infants.select_for_update().order_by("pk").values_list("pk", flat=True))
    open_alerts = TriageAlert.objects.unacknowledged().filter(infant=OuterRef("pk"))
    infants.update(
        triage_alert_open=Exists(open_alerts),
        triage_alert_open_since=Subquery(
            open_alerts.order_by("created_at").values("created_at")[:1]
        ),
    )


@transaction.atomic
def triage_alert_acknowledge(
    *, alert: TriageAlert, user: User, request: ClientRequest | None = None
) -> TriageAlert:
    """Only a pediatrician (or the clinic admin) acknowledges a triage alert, as with a critical
    result: an acknowledged alert leaves the pediatricians' list."""
    if not has_role(user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN):
        raise PermissionDenied("Only a pediatrician can acknowledge a triage alert.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        infants_record_open_triage_alerts(infants=Infant.objects.filter(pk=alert.infant_id))
        infant_record_audit(
            actor=user,
            action=AuditAction.UPDATE,
            resource="triage_alert",
            channel=AuditChannel.WEB if request else AuditChannel.API,
            infant=alert.infant,
            object_uuid=alert.uuid,
            request=request,
        )
        notifications_settle(dedupe_key_prefix=f"triage-alert:{alert.assessment.uuid}")
    return alert


@transaction.atomic
def assessment_review(
    *,
    assessment: Assessment,
    reviewer: User,
    decision: ReviewDecision,
    triage: str = "",
    leading_cause: str = "",
    reason: str = "",
    family_note: str = "",
    request: ClientRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
) -> AssessmentReview:
    """A pediatrician agrees with or overrides the engine; an override needs a reason and is kept
    beside the engine's result, and a changed triage changes the advice the family sees.
    Reviewing acknowledges the assessment's open alert."""
    if decision == ReviewDecision.AGREE:
        triage, leading_cause = "", ""
    review = AssessmentReview(
        assessment=assessment,
        reviewer=reviewer,
        decision=decision,
        triage=triage,
        leading_cause=leading_cause,
        reason=reason.strip(),
        family_note=family_note.strip(),
    )
    if decision == ReviewDecision.OVERRIDE:
        errors = {}
        if not review.reason:
            errors["reason"] = "Give the reason for overriding the engine."
        if not triage and not leading_cause:
            errors["triage"] = "An override changes the triage, the leading cause, or both."
        if errors:
            raise ValidationError(errors)
    review.full_clean()
    review.save()
    infant = assessment.infant
    latest = Assessment.objects.for_infant(infant).latest_first().first()
    if decision == ReviewDecision.OVERRIDE and latest == assessment:
        effective = triage or assessment.triage
        advice = advice_as_text(advice_for_level(effective)) if triage else ""
        infant_record_standing(
            infant=infant,
            standing=infant_standing_fields(
                triage=effective,
                leading_cause=leading_cause or assessment.leading_cause,
                advice=advice or infant.caregiver_advice,
                at=infant.assessed_at or assessment.created_at,
            ),
        )
    infant_record_audit(
        actor=reviewer,
        action=AuditAction.CREATE,
        resource="assessment_review",
        channel=channel,
        infant=assessment.infant,
        object_uuid=review.uuid,
        request=request,
        detail={"decision": decision, "triage": triage, "leading_cause": leading_cause},
    )
    alert = TriageAlert.objects.filter(assessment=assessment).first()
    if alert is not None:
        triage_alert_acknowledge(alert=alert, user=reviewer, request=request)
    return review


def assessment_preview(*, case: dict[str, Any]) -> dict[str, Any]:
    """Score an ad-hoc case without storing anything."""
    return ruleset_score(case, ruleset=ASSESSMENT_RULESET)


def assessment_run_requested(*, infant_id: int) -> Assessment | None:
    """Run the infant's pending assessment request, if any, and clear it. The request row is
    locked for the run, so two workers never assess the same request twice."""
    with transaction.atomic():
        pending = (
            AssessmentRequest.objects.select_for_update(of=("self",))
            .select_related("infant__clinic", "requested_by")
            .filter(infant_id=infant_id)
            .first()
        )
        if pending is None:
            return None
        fault_checkpoint("assess_infant", pending.infant.uuid)
        assessment = assessment_run(
            infant=pending.infant,
            trigger=pending.trigger,
            requested_by=pending.requested_by,
            ruleset=pending.ruleset or ASSESSMENT_RULESET,
        )
        pending.delete()
    return assessment


def assessments_pending(*, older_than: timedelta = timedelta(minutes=2)) -> QuerySet[Any, int]:
    """Infants whose assessment request has waited longer than a healthy worker would take."""
    cutoff = timezone.now() - older_than
    return AssessmentRequest.objects.filter(requested_at__lt=cutoff).values_list(
        "infant_id", flat=True
    )


@transaction.atomic
def reassessment_request(*, infants: list[Infant], ruleset: str) -> None:
    """Ask for each infant to be re-assessed with the ruleset, through the ordinary request rows
    and task (a rise in triage alerts the clinicians and advises the caregivers as always)."""
    if ruleset not in RULESETS_AVAILABLE:
        raise ValueError(f"unknown ruleset {ruleset!r}; available: {', '.join(RULESETS_AVAILABLE)}")
    for infant in infants:
        infant_request_assessment(
            infant=infant, trigger=AssessmentTrigger.RULESET_CHANGE, requested_by=None,
            ruleset=ruleset,
        )  # fmt: skip
