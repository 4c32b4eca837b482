import pytest
from django.db import DatabaseError, transaction

from clinics.models import AuditAction, AuditChannel, AuditEvent
from clinics.services import audit_record
from tests.factories import staff


def _event() -> AuditEvent:
    return audit_record(
        actor=staff(), action=AuditAction.VIEW, resource="infant", channel=AuditChannel.WEB
    )


def test_audit_rows_cannot_be_updated_on_postgresql(postgres):
    event = _event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.DELETE)
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_audit_rows_cannot_be_deleted_on_postgresql(postgres):
    event = _event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_on_either_database():
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.DELETE)
