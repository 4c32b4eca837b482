"""The FHIR R4 endpoints under /fhir/ (namespace `fhir`): the capability statement, an infant's
$everything, the transaction import and the referral letter.

Responses are `application/fhir+json`; a request may ask for it or for `application/json` (Accept
or `_format`), anything else is a 406. Every error is an OperationOutcome."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.models import AuditAction, AuditChannel
from clinics.permissions import CLINICIANS, SIGNED_IN, STAFF, DeclaredRoles
from clinics.selectors import membership_for
from config.api_parsers import DepthLimitedJSONParser
from interop import fhir
from interop.letter import referral_letter_pdf
from interop.selectors import infant_fhir_bundle
from interop.services import FhirImportError, fhir_bundle_import
from patients.selectors import infants_visible_to
from patients.services import infant_read_record

FHIR_JSON = "application/fhir+json"
JSON_FORMATS = {FHIR_JSON, "application/json", "application/json+fhir", "json", "text/json"}


class FhirJsonRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "json"
    charset = "utf-8"


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class FhirJsonParser(DepthLimitedJSONParser):
    media_type = FHIR_JSON


class FhirContentNegotiation(BaseContentNegotiation):
    """FHIR's rules: `_format` wins over Accept; JSON in either flavour, or a 406."""

    def select_parser(self, request, parsers):
        content_type = (request.content_type or "").split(";")[0].strip()
        return next((p for p in parsers if p.media_type == content_type), None)

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = request.query_params.get("_format")
        wanted = [requested.strip()] if requested else _accepted(request)
        for media_type in wanted:
            for renderer in renderers:
                if _matches(media_type, renderer.media_type):
                    return renderer, renderer.media_type
        raise exceptions.NotAcceptable(
            f"Only {', '.join(r.media_type for r in renderers)} can be returned; "
            f"asked for {', '.join(wanted)}."
        )


def _accepted(request) -> list[str]:
    header = request.META.get("HTTP_ACCEPT", "").strip()
    if not header:
        return ["*/*"]
    return [part.split(";")[0].strip() for part in header.split(",") if part.strip()]


def _matches(wanted: str, offered: str) -> bool:
    if wanted in ("*/*", "*", "application/*"):
        return True
    if offered == FHIR_JSON:
        return wanted in JSON_FORMATS
    return wanted in (offered, "pdf")


class FhirApiView(APIView):
    renderer_classes = [FhirJsonRenderer]
    # Every refusal is an OperationOutcome in FHIR JSON (the OpenAPI schema says so too).
    error_media_type = "application/fhir+json"
    parser_classes = [FhirJsonParser, DepthLimitedJSONParser]
    content_negotiation_class = FhirContentNegotiation

    def handle_exception(self, exc):
        """Every refusal is an OperationOutcome in FHIR JSON, whatever was negotiated."""
        response = super().handle_exception(exc)
        code = {
            400: "invalid",
            401: "login",
            403: "forbidden",
            404: "not-found",
            405: "not-supported",
            406: "not-supported",
            415: "not-supported",
            429: "throttled",
        }.get(response.status_code, "exception")
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        message = str(detail) if detail else json.dumps(response.data)
        response.data = fhir.operation_outcome([{"code": code, "diagnostics": message}])
        self.request.accepted_renderer = FhirJsonRenderer()
        self.request.accepted_media_type = FHIR_JSON
        return response


def _visible_infant(request, infant_uuid):
    return get_object_or_404(
        infants_visible_to(request.user).select_related("clinic"), uuid=infant_uuid
    )


def _record_export(request, infant, resource: str) -> None:
    infant_read_record(
        reader=request.user,
        infants=[infant],
        action=AuditAction.EXPORT,
        resource=resource,
        request=request,
        channel=AuditChannel.API,
    )


class CapabilityStatementApi(FhirApiView):
    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN

    @extend_schema(responses={200: dict}, operation_id="fhir_metadata")
    def get(self, request):
        return Response(capability_statement(request))


def capability_statement(request) -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "publisher": "Tremor Clinic",
        "kind": "instance",
        "software": {"name": "Tremor Clinic"},
        "implementation": {
            "description": "Tremor Clinic case export and import",
            "url": request.build_absolute_uri(reverse("fhir:metadata")),
        },
        "fhirVersion": "4.0.1",
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Staff of a clinic, with an API token or a verified session.",
                "security": {
                    "description": "Authorization: Token <key> (POST /api/v1/auth/token/)"
                },
                "resource": [
                    {
                        "type": "Patient",
                        "interaction": [],
                        "operation": [
                            {
                                "name": "everything",
                                "definition": (
                                    "http://hl7.org/fhir/OperationDefinition/Patient-everything"
                                ),
                            }
                        ],
                    },
                    *(
                        {"type": name, "interaction": []}
                        for name in (
                            "Organization",
                            "RelatedPerson",
                            "Observation",
                            "ServiceRequest",
                            "DiagnosticReport",
                            "Media",
                            "RiskAssessment",
                            "Appointment",
                            "Task",
                        )
                    ),
                ],
                "interaction": [{"code": "transaction"}],
            }
        ],
    }


class PatientEverythingApi(FhirApiView):
    permission_classes = [DeclaredRoles]
    required_roles = STAFF

    @extend_schema(responses={200: dict}, operation_id="fhir_patient_everything")
    def get(self, request, infant_uuid):
        infant = _visible_infant(request, infant_uuid)
        bundle = infant_fhir_bundle(infant=infant, request=request)
        _record_export(request, infant, "fhir_bundle")
        return Response(bundle)


class BundleImportApi(FhirApiView):
    """POST a transaction Bundle: a new infant with its prior laboratory results."""

    permission_classes = [DeclaredRoles]
    required_roles = CLINICIANS

    @extend_schema(request=dict, responses={201: dict}, operation_id="fhir_bundle_import")
    def post(self, request):
        clinic = membership_for(request.user).clinic
        try:
            infant, response_bundle = fhir_bundle_import(
                bundle=request.data, imported_by=request.user, clinic=clinic, request=request
            )
        except FhirImportError as error:
            return Response(fhir.operation_outcome(error.issues), status=error.status)
        return Response(
            response_bundle,
            status=status.HTTP_201_CREATED,
            headers={
                "Location": request.build_absolute_uri(
                    reverse("fhir:patient-everything", kwargs={"infant_uuid": infant.uuid})
                )
            },
        )


class ReferralLetterApi(FhirApiView):
    """The case summary as a PDF for the receiving neurologist."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    renderer_classes = [PdfRenderer, FhirJsonRenderer]

    @extend_schema(responses={(200, "application/pdf"): bytes}, operation_id="fhir_referral_letter")
    def get(self, request, infant_uuid):
        infant = _visible_infant(request, infant_uuid)
        content = referral_letter_pdf(infant=infant, author=request.user)
        _record_export(request, infant, "referral_letter")
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="referral-{slugify(infant.mrn)}.pdf"'
        return response
