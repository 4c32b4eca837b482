"""Version 1 of the REST API, mounted at /api/v1/."""

from django.urls import path

from assessments import apis as assessment_apis
from clinics import apis as clinic_apis
from episodes.api_urls import urlpatterns as episode_urlpatterns
from patients import apis as patient_apis
from workups.api_urls import urlpatterns as workup_urlpatterns

app_name = "api"

urlpatterns = [
    path("", clinic_apis.ApiRootApi.as_view(), name="root"),
    path("auth/token/", clinic_apis.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/current/", clinic_apis.TokenRevokeApi.as_view(), name="auth-token-revoke"),
    path("me/", clinic_apis.MeApi.as_view(), name="me"),
    path("staff/", clinic_apis.StaffListApi.as_view(), name="staff-list"),
    path(
        "staff/invitations/",
        clinic_apis.StaffInvitationCreateApi.as_view(),
        name="staff-invitations",
    ),
    path(
        "staff/<uuid:membership_uuid>/",
        clinic_apis.MembershipRoleApi.as_view(),
        name="staff-detail",
    ),
    path(
        "staff/<uuid:membership_uuid>/deactivate/",
        clinic_apis.MembershipDeactivateApi.as_view(),
        name="staff-deactivate",
    ),
    path(
        "infants/<uuid:infant_uuid>/assessments/",
        assessment_apis.InfantAssessmentListApi.as_view(),
        name="infant-assessments",
    ),
    path(
        "infants/<uuid:infant_uuid>/assessments/run/",
        assessment_apis.InfantAssessmentRunApi.as_view(),
        name="infant-assessment-run",
    ),
    path(
        "assessments/preview/",
        assessment_apis.AssessmentPreviewApi.as_view(),
        name="assessment-preview",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/",
        assessment_apis.AssessmentDetailApi.as_view(),
        name="assessment-detail",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/reviews/",
        assessment_apis.AssessmentReviewApi.as_view(),
        name="assessment-review",
    ),
    path("triage-alerts/", assessment_apis.TriageAlertListApi.as_view(), name="triage-alerts"),
    path(
        "triage-alerts/<uuid:alert_uuid>/acknowledge/",
        assessment_apis.TriageAlertAcknowledgeApi.as_view(),
        name="triage-alert-acknowledge",
    ),
    path("infants/", patient_apis.InfantListApi.as_view(), name="infant-list"),
    path("infants/<uuid:infant_id>/", patient_apis.InfantDetailApi.as_view(), name="infant-detail"),
    path(
        "infants/<uuid:infant_id>/milestones/",
        patient_apis.MilestoneListApi.as_view(),
        name="infant-milestones",
    ),
    path(
        "infants/<uuid:infant_id>/caregivers/",
        patient_apis.CaregiverListApi.as_view(),
        name="infant-caregivers",
    ),
    path(
        "infants/<uuid:infant_id>/caregivers/<uuid:guardianship_id>/",
        patient_apis.CaregiverRevokeApi.as_view(),
        name="infant-caregiver-revoke",
    ),
    path(
        "infants/<uuid:infant_id>/invitations/<uuid:invitation_id>/",
        patient_apis.InvitationRevokeApi.as_view(),
        name="infant-invitation-revoke",
    ),
    *episode_urlpatterns,
    *workup_urlpatterns,
]
