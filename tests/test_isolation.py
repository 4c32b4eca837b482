"""Clinic and family isolation, checked on every URL pattern of the project.

The patterns are read from the URL conf, so an endpoint added later is covered without editing this
file, as long as its URL kwargs are known here:

- an object kwarg (a UUID naming one record) is registered in OTHER_CLINIC_OBJECTS with a function
  that creates such a record in the *other* clinic and returns its public id. Apps add theirs with
  the `other_clinic_object("episode_id")` decorator below;
- a pattern that is not about clinic data is listed in NOT_CLINIC_DATA with the reason.
A pattern with a kwarg that is in neither fails the test and says what to add.

Then, signed in as a staff member of the other clinic (the "home" clinic, with its own infant) and
as an unrelated caregiver: every object URL answers 404 to each method it accepts, and every
URL without object kwargs shows none of the other clinic's ids or medical record numbers.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from assessments.models import AssessmentTrigger, Triage, TriageAlert
from assessments.services import assessment_run
from clinics.models import NotificationKind, Role
from clinics.services import notify, staff_invitation_send
from episodes.models import EpisodeVideo
from episodes.services import upload_session_create
from patients.models import MilestoneStatus
from patients.services import invitation_send, milestone_record
from tests.factories import (
    ClinicFactory,
    EpisodeFactory,
    GuardianshipFactory,
    InfantFactory,
    UserFactory,
    caregiver_of,
    sign_in_verified,
    staff,
)
from tests.workups.factories import (
    AppointmentFactory,
    FollowUpFactory,
    ReferralFactory,
    SlotFactory,
    TestOrderFactory,
)
from workups.services import result_record


@dataclass
class OtherClinic:
    """The clinic whose data the signed-in person must never reach."""

    clinic: object
    infant: object
    staff_user: object
    created: dict = field(default_factory=dict)

    def ids(self) -> set[str]:
        return {str(value) for value in self.created.values()} | {str(self.infant.uuid)}


OTHER_CLINIC_OBJECTS: dict[str, Callable[[OtherClinic], object]] = {}


def other_clinic_object(*kwarg_names: str):
    """Register how to make the other clinic's object for a URL kwarg; returns its UUID."""

    def register(make: Callable[[OtherClinic], object]):
        for name in kwarg_names:
            OTHER_CLINIC_OBJECTS[name] = make
        return make

    return register


@other_clinic_object("infant_id", "infant_uuid")
def _infant(other: OtherClinic):
    return other.infant.uuid


@other_clinic_object("guardianship_id")
def _guardianship(other: OtherClinic):
    return GuardianshipFactory(infant=other.infant).uuid


@other_clinic_object("invitation_id")
def _invitation(other: OtherClinic):
    return invitation_send(
        infant=other.infant,
        email="invited@other.example",
        relationship="mother",
        invited_by=other.staff_user,
    ).uuid


@other_clinic_object("milestone_entry_id")
def _milestone_entry(other: OtherClinic):
    return milestone_record(
        infant=other.infant,
        recorded_by=other.staff_user,
        milestone="social_smile",
        status=MilestoneStatus.ACHIEVED,
        observed_on=timezone.localdate(),
    ).uuid


@other_clinic_object("notification_uuid")
def _notification(other: OtherClinic):
    (notification,) = notify(
        recipients=[other.staff_user],
        kind=NotificationKind.INFO,
        title="For the other clinic only",
        clinic=other.clinic,
        infant_uuid=other.infant.uuid,
    )
    return notification.uuid


@other_clinic_object("episode_uuid")
def _episode(other: OtherClinic):
    return EpisodeFactory(infant=other.infant, reported_by=other.staff_user).uuid


@other_clinic_object("video_uuid")
def _video(other: OtherClinic):
    episode = EpisodeFactory(infant=other.infant, reported_by=other.staff_user)
    video = EpisodeVideo(
        episode=episode,
        uploaded_by=other.staff_user,
        content_type="video/mp4",
        size_bytes=4,
        sha256="0" * 64,
    )
    video.original.save("original.mp4", ContentFile(b"\x00\x00\x00\x18"), save=False)
    video.save()
    return video.uuid


@other_clinic_object("upload_uuid")
def _upload(other: OtherClinic):
    episode = EpisodeFactory(infant=other.infant, reported_by=other.staff_user)
    return upload_session_create(episode=episode, created_by=other.staff_user, length=1000).uuid


@other_clinic_object("assessment_uuid")
def _assessment(other: OtherClinic):
    return assessment_run(infant=other.infant, trigger=AssessmentTrigger.CLINICIAN_REQUEST).uuid


@other_clinic_object("alert_uuid")
def _triage_alert(other: OtherClinic):
    assessment = assessment_run(infant=other.infant, trigger=AssessmentTrigger.CLINICIAN_REQUEST)
    return TriageAlert.objects.create(
        assessment=assessment, infant=other.infant, triage=Triage.EMERGENCY
    ).uuid


def _other_clinic_order(other: OtherClinic):
    return TestOrderFactory(infant=other.infant, ordered_by=other.staff_user)


@other_clinic_object("order_uuid")
def _order(other: OtherClinic):
    return _other_clinic_order(other).uuid


@other_clinic_object("critical_alert_uuid")
def _critical_alert(other: OtherClinic):
    result = result_record(
        order=_other_clinic_order(other), recorded_by=other.staff_user, value=20, unit="mg/dL"
    )
    return result.critical_alert.uuid


@other_clinic_object("referral_uuid")
def _referral(other: OtherClinic):
    return ReferralFactory(infant=other.infant, created_by=other.staff_user).uuid


@other_clinic_object("slot_uuid")
def _slot(other: OtherClinic):
    return SlotFactory(clinic=other.clinic).uuid


@other_clinic_object("appointment_uuid")
def _appointment(other: OtherClinic):
    return AppointmentFactory(
        referral__infant=other.infant, referral__created_by=other.staff_user
    ).uuid


@other_clinic_object("followup_uuid")
def _follow_up(other: OtherClinic):
    return FollowUpFactory(infant=other.infant).uuid


@other_clinic_object("membership_uuid")
def _membership(other: OtherClinic):
    return other.staff_user.memberships.get().uuid


@other_clinic_object("staff_invitation_uuid")
def _staff_invitation(other: OtherClinic):
    return staff_invitation_send(
        clinic=other.clinic,
        email="joining@other.example",
        role=Role.NURSE,
        invited_by=other.staff_user,
    ).uuid


# Patterns walked apart, by namespace or by name, with the reason.
NOT_CLINIC_DATA_NAMESPACES = {
    "admin": "Django admin: walked by test_the_django_admin_is_404_for_everyone_but_superusers",
}
NOT_CLINIC_DATA = {
    "patients:invitation-accept": "a secret invitation token, not an object id "
    "(tests/patients/test_invitations.py)",
    "staff-invitation-accept": "a secret invitation token, not an object id "
    "(tests/clinics/test_staff_management.py)",
}
METHODS = ("get", "post", "patch", "put", "delete")


@dataclass
class Route:
    name: str
    template: str  # "/api/v1/infants/<uuid:infant_id>/"
    kwargs: list[str]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route | str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            qualified = ":".join(filter(None, [namespace, entry.namespace]))
            if entry.namespace and qualified in NOT_CLINIC_DATA_NAMESPACES:
                continue
            if isinstance(entry.pattern, RegexPattern) and entry.pattern.regex.groupindex:
                yield f"regex include with kwargs under {prefix!r}: {entry.pattern}"
                continue
            yield from _walk(entry, prefix + str(entry.pattern), qualified if ns else namespace)
        elif isinstance(entry, URLPattern):
            name = ":".join(filter(None, [namespace, entry.name or ""]))
            if name in NOT_CLINIC_DATA:
                continue
            if not isinstance(entry.pattern, RoutePattern):
                if entry.pattern.regex.groupindex:
                    yield f"{name or entry.pattern}: regex pattern with kwargs; use path()"
                    continue
                route = entry.pattern.regex.pattern.lstrip("^").rstrip("$").rstrip("\\Z")
            else:
                route = str(entry.pattern)
            template = "/" + prefix + route
            kwargs = list(entry.pattern.regex.groupindex)
            yield Route(name=name or template, template=template, kwargs=kwargs)


def project_routes() -> list[Route]:
    routes, problems = [], []
    for item in _walk(get_resolver()):
        (problems if isinstance(item, str) else routes).append(item)
    assert not problems, problems
    return routes


def test_every_url_kwarg_is_known_so_no_endpoint_escapes_the_isolation_test():
    unknown = {
        f"{route.name} ({route.template}): {kwarg}"
        for route in project_routes()
        for kwarg in route.kwargs
        if kwarg not in OTHER_CLINIC_OBJECTS
    }
    assert not unknown, (
        "URL kwargs with no 'other clinic' object: register a factory with "
        f"@other_clinic_object(...) in tests/test_isolation.py: {sorted(unknown)}"
    )


def _fill(template: str, values: dict[str, object]) -> str:
    url = template
    for name, value in values.items():
        start = url.index("<")
        while url[start:].split(">")[0].split(":")[-1] != name:
            start = url.index("<", start + 1)
        end = url.index(">", start)
        url = url[:start] + str(value) + url[end + 1 :]
    return url


@pytest.fixture
def other_clinic(db) -> OtherClinic:
    clinic = ClinicFactory()
    infant = InfantFactory(clinic=clinic, mrn="OTHER-CLINIC-MRN-1")
    other = OtherClinic(clinic=clinic, infant=infant, staff_user=staff(Role.CLINIC_ADMIN, clinic))
    for kwarg, make in OTHER_CLINIC_OBJECTS.items():
        other.created[kwarg] = make(other)
    return other


@pytest.fixture(params=["staff", "caregiver"])
def outsider(request, db):
    home = InfantFactory(mrn="HOME-MRN-1")
    if request.param == "staff":
        return staff(Role.CLINIC_ADMIN, home.clinic)
    return caregiver_of(home)


@pytest.mark.django_db
def test_outsiders_get_404_on_every_object_url_and_see_no_foreign_rows_in_lists(
    client, other_clinic, outsider
):
    sign_in_verified(client, outsider)
    foreign = other_clinic.ids() | {other_clinic.infant.mrn}
    checked_objects = checked_lists = 0
    for route in project_routes():
        if route.kwargs:
            url = _fill(route.template, {k: other_clinic.created[k] for k in route.kwargs})
            statuses = {
                # Tus-Resumable lets the tus endpoints get past the protocol check to the lookup.
                method: getattr(client, method)(url, HTTP_TUS_RESUMABLE="1.0.0").status_code
                for method in METHODS
            }
            assert set(statuses.values()) <= {404, 405}, (route.name, url, statuses)
            assert 404 in statuses.values(), (route.name, url, statuses)
            checked_objects += 1
        else:
            response = client.get(route.template)
            body = response.content.decode(errors="replace")
            leaked = [value for value in foreign if value in body]
            assert not leaked, (route.name, route.template, leaked)
            checked_lists += 1
    assert checked_objects >= 10
    assert checked_lists >= 4


def admin_urls(other: OtherClinic) -> list[str]:
    """Every page of the Django admin: the index, each app, and for each registered model its
    list, add, and the change, delete, history (and password) pages of one of the other
    clinic's rows (or of any row)."""
    from django.contrib import admin

    urls = {reverse("admin:index"), reverse("admin:logout")}
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.add(reverse("admin:app_list", kwargs={"app_label": info[0]}))
        urls.add(reverse("admin:{}_{}_changelist".format(*info)))
        urls.add(reverse("admin:{}_{}_add".format(*info)))
        row = model._default_manager.order_by("-pk").first()
        if row is None:
            continue
        for page in ("change", "delete", "history"):
            urls.add(reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[row.pk]))
        if model is type(other.staff_user):
            urls.add(reverse("admin:auth_user_password_change", args=[other.staff_user.pk]))
    return sorted(urls)


@pytest.mark.django_db
def test_the_django_admin_is_404_for_everyone_but_superusers(client, other_clinic, outsider):
    sign_in_verified(client, outsider)
    urls = admin_urls(other_clinic)
    for url in urls:
        statuses = {method: getattr(client, method)(url).status_code for method in METHODS}
        assert set(statuses.values()) == {404}, (url, statuses)
    assert len(urls) >= 30


@pytest.mark.django_db
def test_a_superuser_still_reaches_the_django_admin(client, other_clinic):
    sign_in_verified(client, UserFactory(is_superuser=True, is_staff=True))
    statuses = {url: client.get(url).status_code for url in admin_urls(other_clinic)}
    # 403: pages no one may use (adding an audit row, for instance); 405: GET on sign-out.
    assert set(statuses.values()) <= {200, 302, 403, 405}, statuses
    assert statuses[reverse("admin:index")] == 200
