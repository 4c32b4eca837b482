"""Rate limits: sign-in attempts per address, and caregivers' portal writes and uploads."""

import pytest
from django.urls import reverse
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from clinics.throttles import CaregiverWriteThrottle, UploadThrottle
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


def test_the_token_endpoint_answers_429_with_retry_after_past_the_auth_rate(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"] == "10/min"
    client = APIClient()
    url = reverse("api:auth-token")
    for n in range(10):
        # A different account each time: the per-account lockout never sees these.
        body = {"email": f"guess{n}@example.test", "password": "x"}
        assert client.post(url, body, format="json").status_code == 400
    response = client.post(url, {"email": "guess@example.test", "password": "x"}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


class PortalWriteApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [CaregiverWriteThrottle]

    def get(self, request):
        return Response({})

    def post(self, request):
        return Response({}, status=201)

    def patch(self, request):
        return Response({})


class UploadApi(PortalWriteApi):
    throttle_classes = [UploadThrottle]


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "caregiver_writes": "2/min",
            "uploads": "1/min",
        },
    }


def call(view, user, method="post"):
    request = getattr(APIRequestFactory(), method)("/portal/", {}, format="json")
    force_authenticate(request, user=user)
    return view.as_view()(request)


def test_caregiver_writes_are_limited(low_rates):
    caregiver = UserFactory()
    assert [call(PortalWriteApi, caregiver).status_code for _ in range(2)] == [201, 201]
    limited = call(PortalWriteApi, caregiver)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert call(PortalWriteApi, caregiver, "get").status_code == 200, "reads are not counted"
    assert call(PortalWriteApi, UserFactory()).status_code == 201, "the limit is per caregiver"


def test_caregiver_uploads_are_limited_by_the_uploads_they_start(low_rates):
    caregiver = UserFactory()
    assert call(UploadApi, caregiver).status_code == 201
    assert call(UploadApi, caregiver).status_code == 429
    # The chunks of an upload already started (tus PATCH) are never cut off.
    assert {call(UploadApi, caregiver, "patch").status_code for _ in range(3)} == {200}


def test_staff_are_not_limited_by_the_portal_throttles(low_rates):
    doctor = staff()
    assert {call(PortalWriteApi, doctor).status_code for _ in range(4)} == {201}
