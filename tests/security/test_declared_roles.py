"""Roles are declared per view and checked after the URL's objects are looked up (issue 13,
findings 2 and 6)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentTrigger, Triage, TriageAlert
from assessments.services import assessment_run, triage_alert_acknowledge
from clinics.models import Role
from tests.factories import InfantFactory, caregiver_of, sign_in_verified, staff
from workups.models import FollowUpTask

pytestmark = pytest.mark.django_db


def test_caregiver_cannot_post_the_staff_follow_up_form_for_their_own_child(client):
    infant = InfantFactory()
    sign_in_verified(client, caregiver_of(infant))
    url = reverse("workups:follow-up-add", kwargs={"infant_id": infant.uuid})
    due = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url, {"kind": "call_caregiver", "description": "Call me now", "due_at": due}
    )
    assert response.status_code == 403
    assert client.get(url).status_code == 403
    assert not FollowUpTask.objects.exists()


def test_a_stranger_gets_404_before_any_role_check_on_the_follow_up_form(client):
    infant = InfantFactory()
    sign_in_verified(client, caregiver_of(InfantFactory()))
    url = reverse("workups:follow-up-add", kwargs={"infant_id": infant.uuid})
    assert client.post(url, {}).status_code == 404


@pytest.fixture
def emergency_alert(db):
    infant = InfantFactory()
    assessment = assessment_run(infant=infant, trigger=AssessmentTrigger.CLINICIAN_REQUEST)
    return TriageAlert.objects.create(assessment=assessment, infant=infant, triage=Triage.EMERGENCY)


def _api(client, user):
    sign_in_verified(client, user)
    return client


def test_nurse_cannot_acknowledge_an_emergency_triage_alert(client, emergency_alert):
    nurse = staff(Role.NURSE, clinic=emergency_alert.infant.clinic)
    url = reverse("api:triage-alert-acknowledge", kwargs={"alert_uuid": emergency_alert.uuid})
    response = _api(client, nurse).post(url)
    assert response.status_code == 403
    emergency_alert.refresh_from_db()
    assert emergency_alert.acknowledged_at is None
    doctor = staff(Role.PEDIATRICIAN, clinic=emergency_alert.infant.clinic)
    listed = _api(client, doctor).get(reverse("api:triage-alerts")).json()["results"]
    assert [row["id"] for row in listed] == [str(emergency_alert.uuid)]


def test_acknowledging_a_triage_alert_needs_a_pediatrician_in_the_service(emergency_alert):
    nurse = staff(Role.NURSE, clinic=emergency_alert.infant.clinic)
    with pytest.raises(PermissionDenied):
        triage_alert_acknowledge(alert=emergency_alert, user=nurse)
    doctor = staff(Role.PEDIATRICIAN, clinic=emergency_alert.infant.clinic)
    assert triage_alert_acknowledge(alert=emergency_alert, user=doctor).acknowledged_by == doctor


def test_another_clinics_triage_alert_is_404_even_for_a_pediatrician(client, emergency_alert):
    url = reverse("api:triage-alert-acknowledge", kwargs={"alert_uuid": emergency_alert.uuid})
    assert _api(client, staff(Role.PEDIATRICIAN)).post(url).status_code == 404


# Every view declares its roles -------------------------------------------------------------------

PROJECT_MODULES = ("clinics.", "patients.", "episodes.", "assessments.", "workups.", "dashboard.")
PROJECT_MODULES += ("interop.", "config.")
# Views of other packages, each with the reason they need no declaration.
NOT_DECLARED = {
    "django.contrib.admin": "superusers only (SuperuserOnlyAdminMiddleware, a 404 for others)",
    "django.views.generic.base": "redirects to our own pages (admin sign-in, password change)",
    "drf_spectacular.views": "the API schema and its documentation page, no clinic data",
    "config.metrics": "the metrics scraper: its bearer token or network (config.metrics)",
}


def _views(resolver=None, namespace=""):
    from django.urls import URLPattern, URLResolver, get_resolver

    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # superusers only: SuperuserOnlyAdminMiddleware, a 404 for others
            yield from _views(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}:{entry.name}", entry.callback


def _declaration(callback):
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    owner = view_class or callback
    return view_class, getattr(owner, "required_roles", None)


def test_every_view_page_or_api_declares_the_roles_it_serves():
    from clinics.permissions import PUBLIC, DeclaredRoles

    undeclared, unenforced, checked = [], [], 0
    for name, callback in _views():
        module = callback.__module__
        if any(module.startswith(prefix) for prefix in NOT_DECLARED):
            continue
        assert module.startswith(PROJECT_MODULES), (name, module)
        view_class, roles = _declaration(callback)
        checked += 1
        if not roles:
            undeclared.append(name)
        elif view_class is not None and hasattr(view_class, "permission_classes"):
            if DeclaredRoles not in view_class.permission_classes:
                unenforced.append(name)
        elif view_class is not None and tuple(roles) != PUBLIC:
            # A Django class-based view has no place that enforces roles: public only.
            unenforced.append(name)
    assert not undeclared, f"views with no declared roles: {undeclared}"
    assert not unenforced, f"declared roles that nothing checks: {unenforced}"
    assert checked >= 90
