from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.engine import CaseError
from assessments.explanations import assessment_explanations
from assessments.models import (
    Assessment,
    AssessmentTrigger,
    Cause,
    ReviewDecision,
    Triage,
)
from assessments.selectors import assessments_visible_to, triage_alerts_visible_to
from assessments.services import (
    assessment_preview,
    assessment_request,
    assessment_review,
    triage_alert_acknowledge,
)
from clinics.api_errors import api_validation_error
from clinics.models import AuditAction, AuditChannel
from clinics.permissions import CLINICIANS, SIGNED_IN, STAFF, DeclaredRoles
from clinics.selectors import is_clinic_staff
from patients.apis import InfantListAuditMixin
from patients.selectors import infants_visible_to
from patients.services import infant_record_audit


class ReviewOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    reviewer = serializers.CharField(source="reviewer.get_full_name")
    decision = serializers.CharField()
    triage = serializers.CharField()
    leading_cause = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class AssessmentOutputSerializer(serializers.Serializer):
    """The full assessment, for clinic staff."""

    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    created_at = serializers.DateTimeField()
    trigger = serializers.CharField()
    triage = serializers.CharField()
    leading_cause = serializers.CharField()
    ruleset_version = serializers.CharField()
    ruleset_digest = serializers.CharField()
    explanation = serializers.SerializerMethodField(
        help_text="What to show people: support words (never a probability), criteria with the "
        "episodes they came from, current and past red flags, open questions."
    )
    result = serializers.JSONField(
        help_text="The engine's output as stored, for reproduction. Its scores order the causes; "
        "they are not probabilities: show `explanation` instead."
    )
    input_case = serializers.JSONField()
    reviews = ReviewOutputSerializer(many=True)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_explanation(self, assessment) -> dict:
        explanations = self.context.get("explanations") or assessment_explanations([assessment])
        return explanations[assessment.pk].as_dict()


class CaregiverAssessmentOutputSerializer(serializers.Serializer):
    """What a caregiver sees: how urgent, and what to do."""

    id = serializers.UUIDField(source="uuid")
    created_at = serializers.DateTimeField()
    triage = serializers.CharField()
    caregiver_advice = serializers.CharField()


class InfantAssessmentListApi(APIView):
    """An infant's assessments, newest first. Caregivers see triage and advice only."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN

    @extend_schema(
        responses=PolymorphicProxySerializer(
            component_name="InfantAssessment",
            serializers=[AssessmentOutputSerializer, CaregiverAssessmentOutputSerializer],
            resource_type_field_name=None,
            many=True,
        )
    )
    def get(self, request, infant_uuid):
        infant = get_object_or_404(infants_visible_to(request.user), uuid=infant_uuid)
        assessments = (
            Assessment.objects.for_infant(infant)
            .latest_first()
            .select_related("infant")
            .prefetch_related("reviews__reviewer")[:50]
        )
        staff = is_clinic_staff(request.user)
        if staff:
            assessments = list(assessments)
            data = AssessmentOutputSerializer(
                assessments,
                many=True,
                context={"explanations": assessment_explanations(assessments)},
            ).data
        else:
            data = CaregiverAssessmentOutputSerializer(assessments, many=True).data
        infant_record_audit(
            actor=request.user,
            action=AuditAction.LIST,
            resource="assessment",
            channel=AuditChannel.API,
            infant=infant,
            request=request,
        )
        return Response(data)


class InfantAssessmentRunApi(APIView):
    """Ask for the infant to be assessed now (the result is stored, not returned)."""

    permission_classes = [DeclaredRoles]
    required_roles = CLINICIANS

    @extend_schema(request=None, responses={202: None})
    def post(self, request, infant_uuid):
        infant = get_object_or_404(infants_visible_to(request.user), uuid=infant_uuid)
        with transaction.atomic():
            assessment_request(
                infant=infant,
                trigger=AssessmentTrigger.CLINICIAN_REQUEST,
                requested_by=request.user,
            )
        return Response(status=status.HTTP_202_ACCEPTED)


class AssessmentDetailApi(generics.RetrieveAPIView):
    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    serializer_class = AssessmentOutputSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "assessment_uuid"

    def get_queryset(self):
        return assessments_visible_to(self.request.user).select_related("infant")

    def get_object(self):
        assessment = super().get_object()
        infant_record_audit(
            actor=self.request.user,
            action=AuditAction.VIEW,
            resource="assessment",
            channel=AuditChannel.API,
            infant=assessment.infant,
            object_uuid=assessment.uuid,
            request=self.request,
        )
        return assessment


class AssessmentPreviewApi(APIView):
    """Score an ad-hoc case without storing it (the engine contract's input and output)."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF

    class InputSerializer(serializers.Serializer):
        case = serializers.JSONField()

    @extend_schema(request=InputSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = serializer.validated_data["case"]
        if not isinstance(case, dict):
            raise ApiValidationError({"case": ["Must be a JSON object."]})
        try:
            result = assessment_preview(case=case)
        except CaseError as error:
            raise ApiValidationError({f"case.{error.field}": [str(error)]}) from error
        return Response(result)


class AssessmentReviewApi(APIView):
    """A pediatrician agrees with or overrides the engine's conclusion."""

    permission_classes = [DeclaredRoles]
    required_roles = CLINICIANS

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=ReviewDecision.choices)
        triage = serializers.ChoiceField(choices=Triage.choices, required=False, allow_blank=True)
        leading_cause = serializers.ChoiceField(
            choices=Cause.choices, required=False, allow_blank=True
        )
        reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(request=InputSerializer, responses={201: ReviewOutputSerializer})
    def post(self, request, assessment_uuid):
        assessment = get_object_or_404(
            assessments_visible_to(request.user).select_related("infant__clinic"),
            uuid=assessment_uuid,
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            review = assessment_review(
                assessment=assessment,
                reviewer=request.user,
                request=request,
                channel=AuditChannel.API,
                **serializer.validated_data,
            )
        except ValidationError as error:
            raise api_validation_error(error) from error
        return Response(ReviewOutputSerializer(review).data, status=status.HTTP_201_CREATED)


class TriageAlertOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    infant_name = serializers.CharField(source="infant.full_name")
    assessment = serializers.UUIDField(source="assessment.uuid")
    triage = serializers.CharField()
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class TriageAlertListApi(InfantListAuditMixin, generics.ListAPIView):
    """The clinic's unacknowledged triage alerts, most urgent first."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    serializer_class = TriageAlertOutputSerializer
    audit_resource = "triage_alert"

    def get_queryset(self):
        return (
            triage_alerts_visible_to(self.request.user)
            .unacknowledged()
            .select_related("infant", "assessment")
            .order_by("-created_at")
        )


class TriageAlertAcknowledgeApi(APIView):
    """A pediatrician acknowledges a triage alert; it leaves the clinic's list of open alerts."""

    permission_classes = [DeclaredRoles]
    required_roles = CLINICIANS

    @extend_schema(request=None, responses=TriageAlertOutputSerializer)
    def post(self, request, alert_uuid):
        alert = get_object_or_404(
            triage_alerts_visible_to(request.user).select_related("infant__clinic", "assessment"),
            uuid=alert_uuid,
        )
        alert = triage_alert_acknowledge(alert=alert, user=request.user)
        return Response(TriageAlertOutputSerializer(alert).data)
