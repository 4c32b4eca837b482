"""Results: read by the engine for the infant's age at collection, raising the critical-value
loop, and handing the infant to re-assessment after commit."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.engine import CaseError, interpret_lab
from assessments.models import AssessmentTrigger
from assessments.services import ASSESSMENT_RULESET, assessment_request
from clinics.models import AuditAction, AuditChannel, User
from clinics.services import ClientRequest
from episodes.models import MovementType
from patients.models import Infant
from patients.services import infant_record_audit
from workups.models import (
    NORMAL_OR_ABNORMAL_STUDIES,
    OPEN_ORDER_STATUSES,
    OrderStatus,
    Result,
    StudyInterpretation,
    TestOrder,
)
from workups.services.critical import critical_alert_raise
from workups.services.orders import order_transition

# Bedside devices' clocks drift; a collection time a few minutes ahead of the server is accepted.
CLOCK_SKEW = timedelta(minutes=5)


def result_interpret(
    *, order: TestOrder, value: float, unit: str, collected_at: datetime
) -> dict[str, Any]:
    """The engine reads the value for the infant's age in hours at collection, gestation and birth
    weight; an unknown unit is a ValidationError on `unit` listing the allowed units."""
    infant = order.infant
    try:
        return interpret_lab(
            order.engine_code,
            value,
            unit,
            age_hours=max(infant.age(collected_at).total_seconds() / 3600, 0.0),
            gestational_weeks=infant.gestation_weeks_decimal,
            birth_weight_g=infant.birth_weight_g,
            ruleset=ASSESSMENT_RULESET,
        )
    except CaseError as error:
        field = error.field.rsplit(".", 1)[-1] if error.field else "value"
        message = str(error).split(": ", 1)[-1]
        raise ValidationError({field: message}) from error


@transaction.atomic
def result_record(
    *,
    order: TestOrder,
    recorded_by: User,
    collected_at: datetime | None = None,
    value: float | None = None,
    unit: str = "",
    study_interpretation: str = "",
    captured_typical_event: bool | None = None,
    captured_event_types: list[str] | None = None,
    report_text: str = "",
    channel: AuditChannel = AuditChannel.WEB,
    request: ClientRequest | None = None,
) -> Result:
    """A result moves its order to resulted, raises a critical alert when the engine says
    critical, and has the infant re-assessed after commit."""
    order = TestOrder.objects.select_for_update().select_related("infant__clinic").get(pk=order.pk)
    collected_at = collected_at or timezone.now()
    if not order.infant.born_at <= collected_at <= timezone.now() + CLOCK_SKEW:
        raise ValidationError(
            {"collected_at": "The sample cannot be taken before birth or in the future."}
        )
    if hasattr(order, "result"):
        raise ValidationError({"order": "This order already has a result."})
    if order.status not in OPEN_ORDER_STATUSES:
        raise ValidationError({"order": f"A {order.status} order cannot take a result."})
    result = Result(
        order=order,
        infant=order.infant,
        collected_at=collected_at,
        age_hours_at_collection=round(order.infant.age(collected_at).total_seconds() / 3600, 2),
        report_text=report_text,
        recorded_by=recorded_by,
    )
    if order.is_study:
        if not study_interpretation:
            raise ValidationError({"study_interpretation": "A study needs its interpretation."})
        result.study_interpretation = study_interpretation
        if order.engine_code not in NORMAL_OR_ABNORMAL_STUDIES:
            result.captured_typical_event = captured_typical_event
            result.captured_event_types = _captured_event_types(captured_event_types or [])
        elif study_interpretation in EEG_ONLY_INTERPRETATIONS:
            raise ValidationError(
                {"study_interpretation": "Only an EEG or video-EEG reads as this; use normal or "
                 "other abnormality."}
            )  # fmt: skip
    elif order.engine_code != "critical_sample":
        if value is None:
            raise ValidationError({"value": "A laboratory result needs its value."})
        reading = result_interpret(order=order, value=value, unit=unit, collected_at=collected_at)
        result.value = value
        result.unit = unit
        result.normalised_value = reading["normalised_value"]
        result.normalised_unit = reading["normalised_unit"]
        result.flag = reading["flag"]
        result.interpretation = reading
    result.full_clean()
    result.save()
    # Entering a result also records the collection (or study) it implies.
    if order.status in (OrderStatus.ORDERED, OrderStatus.SCHEDULED):
        taken = OrderStatus.PERFORMED if order.is_study else OrderStatus.COLLECTED
        order = order_transition(
            order=order, to_status=taken, actor=recorded_by, channel=channel, at=collected_at
        )
    result.order = order_transition(
        order=order, to_status=OrderStatus.RESULTED, actor=recorded_by, channel=channel
    )
    infant_record_audit(
        actor=recorded_by,
        action=AuditAction.CREATE,
        resource="result",
        infant=order.infant,
        object_uuid=result.uuid,
        channel=channel,
        request=request,
        detail={"flag": result.flag, "test": order.test},
    )
    if result.is_critical:
        critical_alert_raise(result=result)
    assessment_request(
        infant=order.infant, trigger=AssessmentTrigger.NEW_RESULT, requested_by=recorded_by
    )
    return result


EEG_ONLY_INTERPRETATIONS = (
    StudyInterpretation.EPILEPTIFORM,
    StudyInterpretation.ELECTROGRAPHIC_SEIZURES,
    StudyInterpretation.HYPSARRHYTHMIA,
)


def _captured_event_types(codes: list[str]) -> list[str]:
    unknown = [code for code in codes if code not in MovementType.values]
    if unknown:
        raise ValidationError(
            {
                "captured_event_types": f"Unknown movement type(s) {', '.join(map(str, unknown))}; "
                f"allowed: {', '.join(MovementType.values)}."
            }
        )
    return list(dict.fromkeys(codes))


def results_as_case(infant: Infant) -> list[dict[str, Any]]:
    """The infant's results in the engine's case format (assessments.cases result source)."""
    case_results = []
    for result in Result.objects.filter(infant=infant).select_related("order"):
        code = result.order.engine_code
        entry = {"id": str(result.uuid), "test": code, "age_hours": result.age_hours_at_collection}
        if result.order.is_study:
            interpretation = result.study_interpretation
            if code in NORMAL_OR_ABNORMAL_STUDIES:
                interpretation = "normal" if interpretation == "normal" else "abnormal"
            else:
                entry["captured_typical_event"] = result.captured_typical_event
                entry["captured_event_types"] = list(result.captured_event_types)
            entry["interpretation"] = interpretation
        elif result.value is not None:
            entry.update(value=result.value, unit=result.unit)
            if result.order.spec.method:
                entry["method"] = result.order.spec.method
        case_results.append(entry)
    return case_results
