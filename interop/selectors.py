"""Reads of the interoperability app: an infant's whole case as a FHIR R4 Bundle and the content
of the referral letter. The infant always comes from `patients.selectors.infants_visible_to`
(the API looks it up there before calling these)."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Field
from django.urls import reverse
from django.utils import timezone

from assessments.engine import lab_thresholds
from assessments.explanations import Explanation, assessment_explanations
from assessments.models import Assessment, Triage
from clinics.services import ClientRequest
from episodes.models import (
    EPISODE_CHOICE_FIELDS,
    EPISODE_LIST_FIELDS,
    Episode,
    EpisodeVideo,
)
from interop import fhir
from patients.models import Guardianship, Infant
from workups.models import (
    TEST_CATALOGUE,
    Appointment,
    FollowUpTask,
    Referral,
    Result,
    TestOrder,
)


def _instant(value: datetime | date) -> str:
    return value.isoformat()


def _ref(uuid_value: UUID | str) -> dict[str, Any]:
    return {"reference": fhir.urn(uuid_value)}


@dataclass
class _BundleBuilder:
    infant: Infant
    request: Any
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def patient_ref(self) -> dict[str, Any]:
        return {**_ref(self.infant.uuid), "display": self.infant.full_name}

    def add(
        self, object_uuid: UUID | str | None, resource: dict[str, Any], mode: str = "include"
    ) -> None:
        resource = {
            "resourceType": resource.pop("resourceType"),
            "id": str(object_uuid),
            **resource,
        }
        self.entries.append(
            {"fullUrl": fhir.urn(object_uuid), "resource": resource, "search": {"mode": mode}}
        )

    def absolute(self, name: str, **kwargs: Any) -> str:
        path = reverse(name, kwargs=kwargs)
        return self.request.build_absolute_uri(path) if self.request is not None else path


# Patient, organisation, caregivers and birth history ---------------------------------------------


def _organization(builder: _BundleBuilder) -> None:
    clinic = builder.infant.clinic
    builder.add(
        clinic.uuid,
        {
            "resourceType": "Organization",
            "identifier": [{"system": f"{fhir.LOCAL_BASE}/clinic", "value": clinic.slug}],
            "active": True,
            "name": clinic.name,
            **({"telecom": [{"system": "phone", "value": clinic.phone}]} if clinic.phone else {}),
        },
    )


def _patient(builder: _BundleBuilder) -> None:
    infant = builder.infant
    builder.add(
        infant.uuid,
        {
            "resourceType": "Patient",
            "identifier": [
                {
                    "use": "usual",
                    "type": fhir.concept(fhir.IDENTIFIER_TYPE, "MR", "Medical record number"),
                    "system": fhir.mrn_system(infant.clinic.slug),
                    "value": infant.mrn,
                }
            ],
            "active": True,
            "name": [
                {
                    "use": "official",
                    "family": infant.family_name,
                    "given": [infant.given_name],
                    "text": infant.full_name,
                }
            ],
            "gender": fhir.GENDER_FOR_SEX[infant.sex],
            "birthDate": infant.born_on.isoformat(),
            "_birthDate": {
                "extension": [
                    {"url": fhir.BIRTH_TIME_EXTENSION, "valueDateTime": _instant(infant.born_at)}
                ]
            },
            "managingOrganization": {
                **_ref(infant.clinic.uuid),
                "display": infant.clinic.name,
            },
        },
        mode="match",
    )
    # The birth history as LOINC observations, so any EHR can read it.
    born = _instant(infant.born_at)
    for suffix, code, display, quantity in (
        (
            "birth-weight",
            fhir.LOINC_BIRTH_WEIGHT,
            "Birth weight Measured",
            {"value": infant.birth_weight_g, "unit": "g", "system": fhir.UCUM, "code": "g"},
        ),
        (
            "gestational-age",
            fhir.LOINC_GESTATION_AT_BIRTH,
            "Gestational age at birth",
            {
                "value": infant.gestation_total_days,
                "unit": "d",
                "system": fhir.UCUM,
                "code": "d",
            },
        ),
    ):
        builder.add(
            uuid.uuid5(infant.uuid, suffix),
            {
                "resourceType": "Observation",
                "status": "final",
                "category": [fhir.concept(fhir.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")],
                "code": fhir.concept(fhir.LOINC, code, display),
                "subject": builder.patient_ref,
                "effectiveDateTime": born,
                "valueQuantity": quantity,
                **(
                    {
                        "note": [
                            {"text": f"{infant.gestational_weeks}+{infant.gestational_days} weeks"}
                        ]
                    }
                    if code == fhir.LOINC_GESTATION_AT_BIRTH
                    else {}
                ),
            },
        )


def _related_people(builder: _BundleBuilder) -> dict[int, uuid.UUID]:
    """Caregivers as RelatedPerson; returns caregiver user id -> resource id (for performers)."""
    by_user: dict[int, uuid.UUID] = {}
    for guardianship in (
        Guardianship.objects.active().filter(infant=builder.infant).select_related("caregiver")
    ):
        caregiver = guardianship.caregiver
        code, display = fhir.RELATIONSHIP_ROLE[guardianship.relationship]
        telecom = [{"system": "email", "value": caregiver.email}]
        if caregiver.phone:
            telecom.append({"system": "phone", "value": caregiver.phone})
        builder.add(
            guardianship.uuid,
            {
                "resourceType": "RelatedPerson",
                "active": True,
                "patient": builder.patient_ref,
                "relationship": [
                    fhir.concept(
                        fhir.ROLE_CODE, code, display, guardianship.get_relationship_display()
                    )
                ],
                "name": [{"text": caregiver.get_full_name()}],
                "telecom": telecom,
                "period": {"start": _instant(guardianship.created_at)},
            },
        )
        by_user[caregiver.pk] = guardianship.uuid
    return by_user


# Episodes and videos ------------------------------------------------------------------------------


def _feature_component(name: str, code: str, label: str) -> dict[str, Any]:
    meta = Episode._meta.get_field(name)
    assert isinstance(meta, Field)  # an answer column, never a relation
    return {
        "code": fhir.concept(fhir.EPISODE_FEATURE_SYSTEM, name, str(meta.verbose_name)),
        "valueCodeableConcept": fhir.concept(fhir.feature_system(name), code, label),
    }


def _episode_components(episode: Episode) -> list[dict[str, Any]]:
    components: list[dict[str, Any]] = []
    if episode.duration_s is not None:
        components.append(
            {
                "code": fhir.concept(fhir.EPISODE_FEATURE_SYSTEM, "duration_s", "Duration"),
                "valueQuantity": {
                    "value": episode.duration_s,
                    "unit": "s",
                    "system": fhir.UCUM,
                    "code": "s",
                },
            }
        )
    for name in (*EPISODE_CHOICE_FIELDS, "oscillation"):
        value = getattr(episode, name)
        if value:
            label = getattr(episode, f"get_{name}_display")()
            components.append(_feature_component(name, value, label))
    if episode.episodes_per_day is not None:
        components.append(
            {
                "code": fhir.concept(
                    fhir.EPISODE_FEATURE_SYSTEM, "episodes_per_day", "Episodes per day"
                ),
                "valueInteger": episode.episodes_per_day,
            }
        )
    for name, vocabulary in EPISODE_LIST_FIELDS.items():
        labels = dict(vocabulary.choices)
        for code in getattr(episode, name) or []:
            components.append(_feature_component(name, code, labels.get(code, code)))
    if episode.rate_hz_est is not None:
        components.append(
            {
                "code": fhir.concept(
                    fhir.EPISODE_FEATURE_SYSTEM, "rate_hz_est", "Estimated rate (clinician)"
                ),
                "valueQuantity": {
                    "value": float(episode.rate_hz_est),
                    "unit": "Hz",
                    "system": fhir.UCUM,
                    "code": "Hz",
                },
            }
        )
    return components


def _episodes(builder: _BundleBuilder, performers: dict[int, uuid.UUID]) -> list[Episode]:
    episodes = list(Episode.objects.for_infant(builder.infant).recent().prefetch_related("videos"))
    for episode in episodes:
        notes = [text for text in (episode.notes, episode.clinician_notes) if text]
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [fhir.concept(fhir.OBSERVATION_CATEGORY, "survey", "Survey")],
            "code": fhir.concept(
                fhir.EPISODE_FEATURE_SYSTEM, "shaking-episode", "Shaking episode (caregiver log)"
            ),
            "subject": builder.patient_ref,
            "effectiveDateTime": _instant(episode.started_at),
            "issued": _instant(episode.created_at),
            "component": _episode_components(episode),
        }
        if episode.reported_by_id in performers:
            resource["performer"] = [_ref(performers[episode.reported_by_id])]
        if notes:
            resource["note"] = [{"text": text} for text in notes]
        builder.add(episode.uuid, resource)
        for video in episode.videos.all():
            _media(builder, episode, video)
    return episodes


def _media(builder: _BundleBuilder, episode: Episode, video: EpisodeVideo) -> None:
    """A link to the authorised media URL (the API checks access on every download), not bytes."""
    kwargs = {"video_uuid": video.uuid}
    content = {
        "contentType": "video/mp4" if video.rendition else video.content_type,
        "url": builder.absolute("api:video-playable", **kwargs),
        "title": video.original_filename or "Episode video",
        "creation": _instant(video.created_at),
    }
    notes = [f"Original upload: {builder.absolute('api:video-original', **kwargs)}"]
    if video.poster:
        notes.append(f"Poster image: {builder.absolute('api:video-poster', **kwargs)}")
    resource: dict[str, Any] = {
        "resourceType": "Media",
        "status": "completed" if video.state == "ready" else "in-progress",
        "type": fhir.concept(fhir.MEDIA_TYPE, "video", "Video"),
        "partOf": [_ref(episode.uuid)],
        "subject": builder.patient_ref,
        "createdDateTime": _instant(episode.started_at),
        "issued": _instant(video.created_at),
        "content": content,
        "note": [{"text": text} for text in notes],
    }
    if video.width:
        resource["width"] = video.width
    if video.height:
        resource["height"] = video.height
    if video.duration_s is not None:
        resource["duration"] = round(video.duration_s, 3)
    builder.add(video.uuid, resource)


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


def infant_fhir_bundle(*, infant: Infant, request: ClientRequest | None = None) -> dict[str, Any]:
    """The infant's whole case as an R4 searchset Bundle ($everything): the Patient first, then
    everything about it, each entry at `urn:uuid:<uuid>` and referring to the others by it."""
    builder = _BundleBuilder(infant=infant, request=request)
    _organization(builder)
    _patient(builder)
    performers = _related_people(builder)
    episodes = _episodes(builder, performers)
    orders = list(
        TestOrder.objects.filter(infant=infant)
        .select_related("assessment", "ordered_by")
        .order_by("created_at", "id")
    )
    for order in orders:
        _service_request(builder, order)
    results = list(
        Result.objects.filter(infant=infant).select_related("order").order_by("collected_at", "id")
    )
    for result in results:
        if result.value is not None:
            _lab_observation(builder, result)
        else:
            _diagnostic_report(builder, result)
    for referral in Referral.objects.filter(infant=infant).select_related(
        "assessment", "created_by"
    ):
        _referral(builder, referral)
        for appointment in referral.appointments.select_related("slot").order_by("created_at"):
            _appointment(builder, appointment)
    for task in FollowUpTask.objects.filter(infant=infant).select_related("assignee"):
        _task(builder, task)
    assessments = list(Assessment.objects.for_infant(infant).order_by("created_at", "id"))
    explanations = assessment_explanations(assessments)
    for assessment in assessments:
        basis = [
            _ref(item.uuid)
            for item in (*episodes, *results)
            if item.created_at <= assessment.created_at
        ]
        _risk_assessment(builder, assessment, explanations[assessment.pk], basis)
    now = timezone.now()
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": _instant(now)},
        "type": "searchset",
        "timestamp": _instant(now),
        "total": 1,
        "link": [
            {
                "relation": "self",
                "url": builder.absolute("fhir:patient-everything", infant_uuid=infant.uuid),
            }
        ],
        "entry": builder.entries,
    }


def lab_spec_for_loinc() -> dict[str, str]:
    """LOINC code -> our ordered test, for the laboratory tests that have one."""
    return {spec.loinc: test for test, spec in TEST_CATALOGUE.items() if spec.loinc}
