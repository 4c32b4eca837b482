"""What the work-ups pages share: a service's refusal as a message, the audit rows of a
page, the infant picker and the clinic's time zone."""

from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from clinics.models import AuditAction
from clinics.selectors import membership_for
from patients.models import Infant
from patients.services import infant_read_record
from workups.forms import (
    InfantPickForm,
)

LIST_ROWS = 200


@contextmanager
def errors_as_messages(request):
    """A service's refusal is shown to the user as a message on the page they return to."""
    try:
        yield
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


def _form_errors(form, error: ValidationError) -> None:
    for field, problems in getattr(error, "message_dict", {"__all__": error.messages}).items():
        form.add_error(field if field in form.fields else None, problems)


def _audit_list(request, resource: str, *infant_groups) -> None:
    """One audit row naming every infant the page showed (the rows' and a picker's)."""
    infant_read_record(
        reader=request.user,
        action=AuditAction.LIST,
        resource=resource,
        request=request,
        infant_uuids={infant.uuid for group in infant_groups for infant in group},
    )


def _audit_infant_page(request, infant, resource: str) -> None:
    """A form page about one infant shows its record's header: a read like any other."""
    infant_read_record(
        reader=request.user, infants=[infant], action=AuditAction.VIEW, resource=resource,
        request=request,
    )  # fmt: skip


def _picker_infants(form: InfantPickForm) -> QuerySet[Infant]:
    field = form.fields["infant"]
    assert isinstance(field, forms.ModelChoiceField)
    assert field.queryset is not None  # set by InfantPickForm for the clinician's infants
    return field.queryset.only("uuid")


def _clinic_zone(request) -> ZoneInfo:
    membership = membership_for(request.user)
    return ZoneInfo(membership.clinic.time_zone if membership else "UTC")
