"""An infant's whole case as one FHIR R4 Bundle, assembled from the other modules."""

import uuid
from typing import Any

from django.utils import timezone

from assessments.explanations import assessment_explanations
from assessments.models import Assessment
from clinics.services import ClientRequest
from interop.selectors.builder import _BundleBuilder, _instant, _ref
from interop.selectors.episodes import _episodes
from interop.selectors.orders import (
    _appointment,
    _diagnostic_report,
    _lab_observation,
    _referral,
    _service_request,
    _task,
)
from interop.selectors.patient import _organization, _patient, _related_people
from interop.selectors.risk import _risk_assessment
from patients.models import Infant
from workups.models import (
    FollowUpTask,
    Referral,
    Result,
    TestOrder,
)


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
