"""FHIR R4 endpoints, included under /fhir/ (namespace `fhir`)."""

from django.urls import path

from interop import apis

app_name = "fhir"

urlpatterns = [
    path("metadata", apis.CapabilityStatementApi.as_view(), name="metadata"),
    path("Bundle", apis.BundleImportApi.as_view(), name="bundle-import"),
    path(
        "Patient/<uuid:infant_uuid>/$everything",
        apis.PatientEverythingApi.as_view(),
        name="patient-everything",
    ),
    path(
        "Patient/<uuid:infant_uuid>/referral-letter.pdf",
        apis.ReferralLetterApi.as_view(),
        name="referral-letter",
    ),
]
