"""Orders, results, referrals, appointments and follow-up tasks as FHIR resources, and the
LOINC lookup of the laboratory import."""

from datetime import timedelta
from typing import Any

from assessments.engine import lab_thresholds
from interop import fhir
from interop.selectors.builder import _BundleBuilder, _instant, _ref
from patients.models import Infant
from workups.models import (
    TEST_CATALOGUE,
    Appointment,
    FollowUpTask,
    Referral,
    Result,
    TestOrder,
)

# Orders, results, referrals ----------------------------------------------------------------------


def _test_code(order: TestOrder) -> dict[str, Any]:
    codings = []
    if order.loinc:
        codings.append(fhir.coding(fhir.LOINC, order.loinc))
    codings.append(fhir.coding(fhir.ORDERED_TEST_SYSTEM, order.test, order.get_test_display()))
    return {"coding": codings, "text": order.get_test_display()}


def _service_request(builder: _BundleBuilder, order: TestOrder) -> None:
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": fhir.ORDER_STATUS[order.status],
        "intent": "order",
        "priority": order.priority,
        "code": _test_code(order),
        "subject": builder.patient_ref,
        "authoredOn": _instant(order.created_at),
        "requester": {"display": str(order.ordered_by)},
        "occurrencePeriod": {"end": _instant(order.due_by)},
        "reasonCode": [{"text": order.reason}],
    }
    if order.assessment is not None:
        resource["reasonReference"] = [_ref(order.assessment.uuid)]
    if order.cancel_reason:
        resource["note"] = [{"text": f"Cancelled: {order.cancel_reason}"}]
    builder.add(order.uuid, resource)


def _reference_range(result: Result, infant: Infant) -> list[dict[str, Any]]:
    reading = lab_thresholds(
        result.order.engine_code,
        age_hours=max(result.age_hours_at_collection, 0.0),
        gestational_weeks=infant.gestation_weeks_decimal,
        birth_weight_g=infant.birth_weight_g,
    )
    unit = result.unit
    quantity = {"unit": unit, "system": fhir.UCUM, "code": fhir.ENGINE_UNIT_TO_UCUM[unit]}
    low = [t for t in reading["thresholds"] if t["comparison"] in ("<", "<=")]
    high = [t for t in reading["thresholds"] if t["comparison"] in (">", ">=")]
    words = {"<": "below", "<=": "at or below", ">": "above", ">=": "at or above"}
    text = "; ".join(
        f"{t['flag']} {words[t['comparison']]} {t['values'][unit]:g} {unit} ({t['id']})"
        for t in reading["thresholds"]
    )
    if not text:
        text = reading.get("not_interpreted") or "No threshold for this age."
    reference: dict[str, Any] = {"text": text}
    if low:
        reference["low"] = {**quantity, "value": max(t["values"][unit] for t in low)}
    if high:
        reference["high"] = {**quantity, "value": min(t["values"][unit] for t in high)}
    return [reference]


def _interpretation(result: Result) -> list[dict[str, Any]]:
    if result.flag == "critical":
        comparison = (result.interpretation.get("threshold") or {}).get("comparison", "<")
        code, display = fhir.CRITICAL_HIGH if comparison.startswith(">") else fhir.CRITICAL_LOW
    elif result.flag in fhir.INTERPRETATION_FOR_FLAG:
        code, display = fhir.INTERPRETATION_FOR_FLAG[result.flag]
    else:
        return []
    return [fhir.concept(fhir.INTERPRETATION, code, display)]


def _lab_observation(builder: _BundleBuilder, result: Result) -> None:
    order = result.order
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "basedOn": [_ref(order.uuid)],
        "status": "final",
        "category": [fhir.concept(fhir.OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
        "code": _test_code(order),
        "subject": builder.patient_ref,
        "effectiveDateTime": _instant(result.collected_at),
        "issued": _instant(result.created_at),
        "valueQuantity": {
            "value": result.value,
            "unit": result.unit,
            "system": fhir.UCUM,
            "code": fhir.ENGINE_UNIT_TO_UCUM[result.unit],
        },
        "referenceRange": _reference_range(result, builder.infant),
    }
    interpretation = _interpretation(result)
    if interpretation:
        resource["interpretation"] = interpretation
    rule = result.interpretation.get("rule")
    notes = [text for text in (rule, result.report_text) if text]
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    builder.add(result.uuid, resource)


def _diagnostic_report(builder: _BundleBuilder, result: Result) -> None:
    """EEG, video-EEG and MRI (and the critical sample panel, which has no single value)."""
    order = result.order
    section, section_display = fhir.STUDY_SECTION[order.engine_code]
    conclusion = result.report_text or result.get_study_interpretation_display()
    if result.captured_typical_event is not None:
        captured = "captured" if result.captured_typical_event else "did not capture"
        conclusion = f"{conclusion} (the study {captured} a typical event)".strip()
    resource: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "basedOn": [_ref(order.uuid)],
        "status": "final",
        "category": [fhir.concept(fhir.DIAGNOSTIC_SECTION, section, section_display)],
        "code": _test_code(order),
        "subject": builder.patient_ref,
        "effectiveDateTime": _instant(result.collected_at),
        "issued": _instant(result.created_at),
    }
    if conclusion:
        resource["conclusion"] = conclusion
    if result.study_interpretation:
        resource["conclusionCode"] = [
            fhir.concept(
                fhir.STUDY_INTERPRETATION_SYSTEM,
                result.study_interpretation,
                result.get_study_interpretation_display(),
            )
        ]
    builder.add(result.uuid, resource)


def _referral(builder: _BundleBuilder, referral: Referral) -> None:
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": fhir.REFERRAL_STATUS[referral.status],
        "intent": "order",
        "category": [fhir.concept(fhir.SNOMED, "3457005", "Patient referral")],
        "priority": fhir.REFERRAL_PRIORITY[referral.urgency],
        "code": {"text": "Referral to paediatric neurology"},
        "subject": builder.patient_ref,
        "authoredOn": _instant(referral.created_at),
        "requester": {"display": str(referral.created_by)},
        "occurrencePeriod": {"end": _instant(referral.deadline)},
        "reasonCode": [{"text": referral.reason}],
        "note": [{"text": f"{referral.get_urgency_display()}; {referral.get_status_display()}."}],
    }
    if referral.instruction:
        resource["patientInstruction"] = referral.instruction
    if referral.assessment is not None:
        resource["reasonReference"] = [_ref(referral.assessment.uuid)]
    builder.add(referral.uuid, resource)


def _appointment(builder: _BundleBuilder, appointment: Appointment) -> None:
    slot = appointment.slot
    end = slot.starts_at + timedelta(minutes=slot.length_minutes)
    builder.add(
        appointment.uuid,
        {
            "resourceType": "Appointment",
            "status": fhir.APPOINTMENT_STATUS[appointment.status],
            "serviceType": [{"text": "Paediatric neurology"}],
            "description": f"{slot.neurologist_name}, {slot.location}",
            "start": _instant(slot.starts_at),
            "end": _instant(end),
            "minutesDuration": slot.length_minutes,
            "created": _instant(appointment.created_at),
            "basedOn": [_ref(appointment.referral.uuid)],
            "participant": [
                {"actor": builder.patient_ref, "status": "accepted"},
                {"actor": {"display": slot.neurologist_name}, "status": "accepted"},
            ],
        },
    )


def _task(builder: _BundleBuilder, task: FollowUpTask) -> None:
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "status": fhir.TASK_STATUS[task.status],
        "intent": "order",
        "code": fhir.concept(fhir.FOLLOW_UP_SYSTEM, task.kind, task.get_kind_display()),
        "description": task.description,
        "for": builder.patient_ref,
        "authoredOn": _instant(task.created_at),
        "lastModified": _instant(task.updated_at),
        "restriction": {"period": {"end": _instant(task.due_at)}},
    }
    if task.assignee_id:
        resource["owner"] = {"display": str(task.assignee)}
    if task.outcome_note:
        resource["note"] = [{"text": task.outcome_note}]
    builder.add(task.uuid, resource)


def lab_spec_for_loinc() -> dict[str, str]:
    """LOINC code -> our ordered test, for the laboratory tests that have one."""
    return {spec.loinc: test for test, spec in TEST_CATALOGUE.items() if spec.loinc}
