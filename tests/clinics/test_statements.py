"""Statements compiled once (clinics.statements) give the rows their queryset gives, and refuse
a statement that depends on anything but its placeholders."""

from datetime import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from clinics.models import AuditAction, AuditChannel, AuditEvent, Clinic
from clinics.services import audit_record
from clinics.statements import CompiledQuery
from tests.factories import ClinicFactory, InfantFactory, staff


def audit_rows(shape, *, clinic: int, since: datetime):
    return (
        AuditEvent.objects.filter(clinic_id=clinic, occurred_at__gte=since)
        .order_by("id")
        .values("uuid", "actor_role", "infant_uuids", "detail", "occurred_at", "clinic__slug")
    )


@pytest.mark.django_db
def test_compiled_rows_are_the_querysets_rows_converters_included():
    infant = InfantFactory()
    doctor = staff(clinic=infant.clinic)
    since = timezone.now()
    for n in range(3):
        audit_record(
            actor=doctor,
            action=AuditAction.LIST,
            resource="episode",
            channel=AuditChannel.API,
            infant_uuids=[infant.uuid],
            detail={"n": n, "names": ["a", None]},
        )
    statement = CompiledQuery(audit_rows, clinic=int, since=datetime)
    for clinic in (infant.clinic, ClinicFactory()):
        rows = statement.rows("list", clinic=clinic.pk, since=since)
        assert rows == list(audit_rows("list", clinic=clinic.pk, since=since))
    assert [
        row["detail"]["n"] for row in statement.rows("list", clinic=infant.clinic.pk, since=since)
    ] == [
        0,
        1,
        2,
    ]


@pytest.mark.django_db
def test_a_statement_that_reads_the_clock_is_refused():
    statement = CompiledQuery(
        lambda shape, slug: Clinic.objects.filter(slug=slug, created_at__lte=timezone.now()).values(
            "id"
        ),
        slug=str,
    )
    with pytest.raises(ImproperlyConfigured, match="depends on more than the placeholders"):
        statement.rows(None, slug="north")


@pytest.mark.django_db
def test_a_value_the_statement_does_not_use_is_refused():
    statement = CompiledQuery(
        lambda shape, slug, name: Clinic.objects.filter(slug=slug).values("id"),
        slug=str,
        name=str,
    )
    with pytest.raises(ImproperlyConfigured, match="uses \\['slug'\\]"):
        statement.rows(None, slug="north", name="North")
    assert statement.rows("slug only", slug="north") == []
    with pytest.raises(TypeError, match="slug must be a str"):
        statement.rows("slug only", slug=3)
