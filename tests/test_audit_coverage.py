"""Every read of an infant's record leaves an audit row, checked on every URL pattern.

The patterns come from the URL conf (walked as `tests/test_isolation.py` walks them, with its
registry of how to make each URL kwarg's object), so a page or endpoint added later is checked
without editing this file. The world is one clinic with one infant whose name, medical record
number and birth date appear nowhere else, and one of every object that names it. Each pattern
is requested (GET) as the clinic's admin, pediatrician and nurse and as the infant's caregiver;
an answer that shows the infant's name, MRN or birth date must have written an audit row filed
under that infant (its `infant_uuid`, or among the `infant_uuids` of a list read).
"""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from clinics.models import AuditEvent, NotificationKind, Role
from clinics.services import notify
from tests.factories import ClinicFactory, InfantFactory, caregiver_of, sign_in_verified, staff
from tests.test_isolation import OTHER_CLINIC_OBJECTS, OtherClinic, _fill, project_routes

GIVEN, FAMILY, MRN = "Quillonette", "Zarathustra-Vey", "AUDIT-MRN-7731"


@pytest.fixture
def world(db):
    clinic = ClinicFactory()
    born = timezone.now() - timedelta(days=37, hours=5)
    infant = InfantFactory(
        clinic=clinic, given_name=GIVEN, family_name=FAMILY, mrn=MRN, born_at=born
    )
    admin = staff(Role.CLINIC_ADMIN, clinic)
    home = OtherClinic(clinic=clinic, infant=infant, staff_user=admin)
    for kwarg, make in OTHER_CLINIC_OBJECTS.items():
        home.created[kwarg] = make(home)
    readers = {
        "clinic_admin": admin,
        "pediatrician": staff(Role.PEDIATRICIAN, clinic),
        "nurse": staff(Role.NURSE, clinic),
        "caregiver": caregiver_of(infant),
    }
    for reader in readers.values():
        notify(
            recipients=[reader],
            kind=NotificationKind.INFO,
            title=f"News about {infant.full_name}",
            clinic=clinic,
            infant_uuid=infant.uuid,
        )
    infant.refresh_from_db()
    return home, readers


def _phi_markers(infant) -> list[str]:
    return [infant.given_name, infant.family_name, infant.mrn, infant.born_on.isoformat()]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode(errors="replace")


def _filed_under(infant):
    return AuditEvent.objects.filter(
        Q(infant_uuid=infant.uuid) | Q(infant_uuids__includes=infant.uuid)
    )


@pytest.mark.django_db
def test_every_response_showing_an_infant_writes_an_audit_row_filed_under_it(
    client, world, measured
):
    home, readers = world
    infant = home.infant
    markers = _phi_markers(infant)
    routes = project_routes()
    unaudited, phi_responses, phi_routes = [], 0, set()
    for role, reader in readers.items():
        client.logout()
        sign_in_verified(client, reader)
        for route in routes:
            url = _fill(route.template, {k: home.created[k] for k in route.kwargs})
            before = _filed_under(infant).count()
            response = client.get(url, HTTP_ACCEPT="*/*")
            body = _body(response)
            shown = [marker for marker in markers if marker in body]
            if response.status_code != 200 or not shown:
                continue
            phi_responses += 1
            phi_routes.add(route.name)
            if _filed_under(infant).count() == before:
                unaudited.append(f"{role} GET {url} ({route.name}) showed {shown}")
    measured(
        f"audit coverage: {len(routes)} URL patterns walked as {len(readers)} readers; "
        f"{phi_responses} answers from {len(phi_routes)} patterns showed PHI"
    )
    assert not unaudited, "PHI shown with no audit row:\n" + "\n".join(unaudited)
    assert len(routes) >= 100
    assert len(phi_routes) >= 30
