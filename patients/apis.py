"""REST endpoints for infants, their caregivers and their developmental log. Every infant is found
through `infants_visible_to`: another clinic's or family's infant is a 404, a caregiver's write
to their own infant's record a 403."""

from zoneinfo import ZoneInfo

import django_filters
from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.api_errors import field_errors
from clinics.models import AuditAction, AuditChannel
from clinics.pagination import CountWithPagePagination
from clinics.permissions import SIGNED_IN, STAFF, DeclaredRoles
from clinics.selectors import membership_for
from clinics.serializers import FastOutputMixin
from clinics.throttles import CaregiverWriteThrottle
from patients.models import (
    FamilyHistory,
    Feeding,
    Fontanelle,
    Head,
    Infant,
    MaternalDiabetes,
    MaternalDrug,
    MedicationDrug,
    MedicationResponse,
    Milestone,
    MilestoneEntry,
    MilestoneStatus,
    NeuroExam,
    Relationship,
    Sex,
    SizeForGestationalAge,
    SkinSign,
)
from patients.selectors import infant_development_status, infants_visible_to
from patients.services import (
    guardianship_revoke,
    infant_read_record,
    infant_register,
    infant_update,
    invitation_revoke,
    invitation_send,
    milestone_record,
)


class InfantListAuditMixin:
    """For a list endpoint whose rows name infants (an `infant` id in each row): one audit
    row per answer naming the infants it showed, filed under each of them."""

    audit_resource: str

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data["results"] if isinstance(response.data, dict) else response.data
        infant_read_record(
            reader=request.user,
            action=AuditAction.LIST,
            resource=self.audit_resource,
            channel=AuditChannel.API,
            request=request,
            infant_uuids={row["infant"] for row in rows if row.get("infant")},
        )
        return response


class InfantFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label="Name, medical record number or date of birth (YYYY-MM-DD)"
    )
    born_on = django_filters.DateFilter()
    sex = django_filters.ChoiceFilter(choices=Sex.choices)

    class Meta:
        model = Infant
        fields = ["search", "born_on", "sex"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class CodeListField(serializers.ListField):
    """A list of vocabulary codes. One code alone is read as a list of one (the neurological
    examination was a single value before); for maternal drug exposure the older yes/no is
    read as ["other"] or [], as the engine's contract reads it."""

    def __init__(self, *, vocabulary, accepts_yes_no: bool = False, **kwargs):
        self.accepts_yes_no = accepts_yes_no
        kwargs.setdefault("default", list)
        super().__init__(child=serializers.ChoiceField(choices=vocabulary.choices), **kwargs)

    def to_internal_value(self, data):
        if self.accepts_yes_no and isinstance(data, bool):
            data = ["other"] if data else []
        elif isinstance(data, str):
            data = [data]
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            raise ValidationError("Each code may appear once.")
        return values


class MedicationSerializer(serializers.Serializer):
    drug = serializers.ChoiceField(choices=MedicationDrug.choices)
    given_at = serializers.DateTimeField(help_text="When the dose was given (ISO 8601).")
    response = serializers.ChoiceField(
        choices=MedicationResponse.choices, default=MedicationResponse.UNKNOWN
    )


class InfantOutputSerializer(FastOutputMixin, serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    mrn = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    sex = serializers.CharField()
    born_at = serializers.DateTimeField()
    born_on = serializers.DateField()
    gestational_weeks = serializers.IntegerField()
    gestational_days = serializers.IntegerField()
    birth_weight_g = serializers.IntegerField()
    maternal_diabetes = serializers.CharField()
    feeding = serializers.CharField()
    maternal_hyperparathyroidism = serializers.BooleanField()
    maternal_vitamin_d_deficiency = serializers.BooleanField()
    maternal_drug_exposure = serializers.ListField(child=serializers.CharField())
    maternal_drug_details = serializers.CharField()
    size_for_gestational_age = serializers.CharField()
    skin_signs = serializers.ListField(child=serializers.CharField())
    head = serializers.CharField()
    fontanelle = serializers.CharField()
    family_history = serializers.ListField(child=serializers.CharField())
    neuro_exam = serializers.ListField(child=serializers.CharField())
    medications = serializers.ListField(child=serializers.DictField())
    age_days = serializers.IntegerField()
    age_hours = serializers.FloatField()
    corrected_age_days = serializers.IntegerField(allow_null=True)
    is_preterm = serializers.BooleanField()
    is_low_birth_weight = serializers.BooleanField()
    risk_factors = serializers.ListField(child=serializers.CharField())


class InfantInputSerializer(serializers.Serializer):
    mrn = serializers.CharField(max_length=40)
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    sex = serializers.ChoiceField(choices=Sex.choices)
    born_at = serializers.DateTimeField(
        help_text="ISO 8601; without an offset it is read in the clinic's time zone."
    )
    gestational_weeks = serializers.IntegerField()
    gestational_days = serializers.IntegerField(default=0)
    birth_weight_g = serializers.IntegerField()
    maternal_diabetes = serializers.ChoiceField(
        choices=MaternalDiabetes.choices, default=MaternalDiabetes.UNKNOWN
    )
    feeding = serializers.ChoiceField(choices=Feeding.choices, allow_blank=True, default="")
    maternal_hyperparathyroidism = serializers.BooleanField(default=False)
    maternal_vitamin_d_deficiency = serializers.BooleanField(default=False)
    maternal_drug_exposure = CodeListField(vocabulary=MaternalDrug, accepts_yes_no=True)
    maternal_drug_details = serializers.CharField(max_length=200, allow_blank=True, default="")
    size_for_gestational_age = serializers.ChoiceField(
        choices=SizeForGestationalAge.choices, allow_blank=True, default=""
    )
    skin_signs = CodeListField(vocabulary=SkinSign)
    head = serializers.ChoiceField(choices=Head.choices, allow_blank=True, default="")
    fontanelle = serializers.ChoiceField(choices=Fontanelle.choices, allow_blank=True, default="")
    family_history = CodeListField(vocabulary=FamilyHistory)
    neuro_exam = CodeListField(
        vocabulary=NeuroExam, help_text="Findings; an empty list means not examined."
    )
    medications = MedicationSerializer(many=True, default=list)

    def __init__(self, *args, clinic=None, **kwargs):
        super().__init__(*args, **kwargs)
        if clinic is not None:
            # Naive birth times are clock times in the clinic, as on the registration page.
            self.fields["born_at"].timezone = ZoneInfo(clinic.time_zone)
            self.fields["medications"].child.fields["given_at"].timezone = ZoneInfo(
                clinic.time_zone
            )

    def validate_medications(self, doses):
        return [{**dose, "given_at": dose["given_at"].isoformat()} for dose in doses]


class InfantListApi(generics.ListAPIView):
    """Staff list their clinic's infants (search by name, MRN or date of birth) and register new
    ones; caregivers list their own children."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    required_write_roles = STAFF
    throttle_classes = [CaregiverWriteThrottle]
    filterset_class = InfantFilter
    OutputSerializer = InfantOutputSerializer
    serializer_class = InfantOutputSerializer

    class InputSerializer(InfantInputSerializer):
        pass

    def get_queryset(self):
        return infants_visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        if request.query_params.get("search", "").strip():
            # A search reads every infant of the clinic anyway: the count comes with the page.
            self._paginator = CountWithPagePagination()
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        infant_read_record(
            reader=request.user,
            infants=page,
            action=AuditAction.LIST,
            request=request,
            channel=AuditChannel.API,
        )
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: InfantOutputSerializer})
    def post(self, request):
        clinic = membership_for(request.user).clinic
        serializer = self.InputSerializer(data=request.data, clinic=clinic)
        serializer.is_valid(raise_exception=True)
        with field_errors():
            infant = infant_register(
                clinic=clinic,
                registered_by=request.user,
                request=request,
                channel=AuditChannel.API,
                **serializer.validated_data,
            )
        return Response(self.OutputSerializer(infant).data, status=status.HTTP_201_CREATED)


def visible_infant(request, infant_id) -> Infant:
    return get_object_or_404(
        infants_visible_to(request.user).select_related("clinic"), uuid=infant_id
    )


class InfantDetailApi(APIView):
    """One infant's record with derived ages, risk factors and development status; staff may
    change it (PATCH, only the fields sent)."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    required_write_roles = STAFF
    throttle_classes = [CaregiverWriteThrottle]

    class OutputSerializer(InfantOutputSerializer):
        development_status = serializers.CharField()

    class InputSerializer(InfantInputSerializer):
        pass

    def _infant(self, request, infant_id) -> Infant:
        infant = visible_infant(request, infant_id)
        return infant

    def _output(self, infant: Infant) -> dict:
        infant.development_status = infant_development_status(infant)
        return self.OutputSerializer(infant).data

    @extend_schema(responses=OutputSerializer)
    def get(self, request, infant_id):
        infant = self._infant(request, infant_id)
        infant_read_record(
            reader=request.user,
            infants=[infant],
            action=AuditAction.VIEW,
            request=request,
            channel=AuditChannel.API,
        )
        return Response(self._output(infant))

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def patch(self, request, infant_id):
        infant = self._infant(request, infant_id)
        serializer = self.InputSerializer(data=request.data, partial=True, clinic=infant.clinic)
        serializer.is_valid(raise_exception=True)
        with field_errors():
            infant = infant_update(
                infant=infant,
                updated_by=request.user,
                request=request,
                channel=AuditChannel.API,
                **serializer.validated_data,
            )
        return Response(self._output(infant))


class MilestoneListApi(generics.ListAPIView):
    """The infant's developmental log; caregivers of the infant and staff add entries."""

    permission_classes = [DeclaredRoles]
    required_roles = SIGNED_IN
    throttle_classes = [CaregiverWriteThrottle]

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="uuid")
        milestone = serializers.CharField()
        status = serializers.CharField()
        observed_on = serializers.DateField()
        note = serializers.CharField()
        recorded_at = serializers.DateTimeField(source="created_at")

    class InputSerializer(serializers.Serializer):
        milestone = serializers.ChoiceField(choices=Milestone.choices)
        status = serializers.ChoiceField(choices=MilestoneStatus.choices)
        observed_on = serializers.DateField()
        note = serializers.CharField(max_length=300, allow_blank=True, default="")

    serializer_class = OutputSerializer
    queryset = MilestoneEntry.objects.none()  # the schema's model; list() reads the infant's log

    def list(self, request, infant_id):
        infant = visible_infant(request, infant_id)
        infant_read_record(
            reader=request.user,
            infants=[infant],
            action=AuditAction.VIEW,
            resource="milestone_entry",
            request=request,
            channel=AuditChannel.API,
        )
        page = self.paginate_queryset(infant.milestone_entries.all())
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, infant_id):
        infant = visible_infant(request, infant_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with field_errors():
            entry = milestone_record(
                infant=infant,
                recorded_by=request.user,
                request=request,
                channel=AuditChannel.API,
                **serializer.validated_data,
            )
        return Response(self.OutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class CaregiverListApi(APIView):
    """Staff list an infant's caregivers and invite one by email (a single-use, 72-hour link)."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    throttle_classes = [CaregiverWriteThrottle]

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="uuid")
        email = serializers.EmailField(source="caregiver.email")
        full_name = serializers.CharField(source="caregiver.full_name")
        relationship = serializers.CharField()
        linked_at = serializers.DateTimeField(source="created_at")

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        relationship = serializers.ChoiceField(choices=Relationship.choices)
        language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    class InvitationOutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="uuid")
        email = serializers.EmailField()
        relationship = serializers.CharField()
        language = serializers.CharField()
        expires_at = serializers.DateTimeField()

    def _infant(self, request, infant_id) -> Infant:
        infant = visible_infant(request, infant_id)
        return infant

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request, infant_id):
        infant = self._infant(request, infant_id)
        infant_read_record(
            reader=request.user,
            infants=[infant],
            action=AuditAction.VIEW,
            resource="guardianship",
            request=request,
            channel=AuditChannel.API,
        )
        guardianships = infant.guardianships.active().select_related("caregiver")
        return Response(self.OutputSerializer(guardianships, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: InvitationOutputSerializer})
    def post(self, request, infant_id):
        infant = self._infant(request, infant_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with field_errors():
            invitation = invitation_send(
                infant=infant,
                invited_by=request.user,
                request=request,
                channel=AuditChannel.API,
                **serializer.validated_data,
            )
        return Response(
            self.InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED
        )


class CaregiverRevokeApi(APIView):
    """Revoke a caregiver's access; it takes effect on their next request, tokens included."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    throttle_classes = [CaregiverWriteThrottle]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, infant_id, guardianship_id):
        infant = visible_infant(request, infant_id)
        guardianship = get_object_or_404(
            infant.guardianships.select_related("caregiver"), uuid=guardianship_id
        )
        guardianship_revoke(
            guardianship=guardianship,
            revoked_by=request.user,
            request=request,
            channel=AuditChannel.API,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationRevokeApi(APIView):
    """Withdraw a pending invitation; its link is refused from then on."""

    permission_classes = [DeclaredRoles]
    required_roles = STAFF
    throttle_classes = [CaregiverWriteThrottle]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, infant_id, invitation_id):
        infant = visible_infant(request, infant_id)
        invitation = get_object_or_404(infant.invitations, uuid=invitation_id)
        invitation_revoke(
            invitation=invitation,
            revoked_by=request.user,
            request=request,
            channel=AuditChannel.API,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
