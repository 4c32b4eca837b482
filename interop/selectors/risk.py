"""Assessments as RiskAssessments with the engine's explanation."""

from typing import Any

from assessments.explanations import Explanation
from assessments.models import Assessment, Triage
from interop import fhir
from interop.selectors.builder import _BundleBuilder, _instant

# Assessments --------------------------------------------------------------------------------------


def _risk_assessment(
    builder: _BundleBuilder,
    assessment: Assessment,
    explanation: Explanation,
    basis: list[dict[str, Any]],
) -> None:
    """The differential as predictions whose qualitative risk is the support word (the engine's
    score orders causes; it is not a probability, so no probability is sent)."""
    triage_label = dict(Triage.choices).get(assessment.triage, assessment.triage)
    predictions = []
    for row in explanation.differential:
        prediction: dict[str, Any] = {
            "outcome": fhir.concept(fhir.CAUSE_SYSTEM, row.cause, row.label),
            "qualitativeRisk": fhir.concept(fhir.SUPPORT_SYSTEM, row.support, row.support_label),
        }
        reasons = [
            *(item.plain_text for item in row.criteria_for),
            *(f"against: {item.plain_text}" for item in row.criteria_against),
        ]
        if reasons:
            prediction["rationale"] = "; ".join(reasons)
        predictions.append(prediction)
    rules = "; ".join(explanation.rule_lines) or "none"
    notes = [f"Triage: {triage_label} (rules: {rules})."]
    if explanation.red_flags_split_by_time:
        notes.extend(f"Red flag now: {item.plain_text}" for item in explanation.red_flags_current)
        notes.extend(
            f"Past red flag (history): {item.plain_text}" for item in explanation.red_flags_history
        )
    else:
        notes.extend(f"Red flag: {item.plain_text}" for item in explanation.red_flags_current)
    notes.extend(f"Still to find out: {q.text}" for q in explanation.missing_information)
    if explanation.recommended_tests:
        tests = ", ".join(test.label for test in explanation.recommended_tests)
        notes.append(f"Recommended tests: {tests}.")
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "extension": [
            {"url": fhir.RULESET_DIGEST_EXTENSION, "valueString": assessment.ruleset_digest},
            {
                "url": fhir.TRIAGE_EXTENSION,
                "valueCodeableConcept": fhir.concept(
                    fhir.TRIAGE_SYSTEM, assessment.triage, triage_label
                ),
            },
        ],
        "status": "final",
        "method": fhir.concept(
            fhir.RULESET_SYSTEM,
            assessment.ruleset_version,
            f"Tremor Clinic ruleset {assessment.ruleset_version}",
        ),
        "code": {"text": "Infant shaking: differential and triage"},
        "subject": builder.patient_ref,
        "occurrenceDateTime": _instant(assessment.created_at),
        "prediction": predictions,
        "note": [{"text": text} for text in notes],
    }
    if basis:
        resource["basis"] = basis
    if assessment.caregiver_advice:
        resource["mitigation"] = assessment.caregiver_advice
    builder.add(assessment.uuid, resource)
