"""Neurology slots a clinic offers."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from clinics.models import Clinic, User
from workups.models import (
    NeurologySlot,
)


@transaction.atomic
def slot_create(*, clinic: Clinic, created_by: User, **fields: Any) -> NeurologySlot:
    """A slot a neurologist offers; a clinic admin adds it."""
    slot = NeurologySlot(clinic=clinic, **fields)
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def slot_update(*, slot: NeurologySlot, updated_by: User, **fields: Any) -> NeurologySlot:
    """A booked slot keeps its time: the family has been told it."""
    if "starts_at" in fields and slot.appointments.booked().exists():
        raise ValidationError({"starts_at": "This slot is booked; cancel the appointment first."})
    for name, value in fields.items():
        setattr(slot, name, value)
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def slot_delete(*, slot: NeurologySlot, deleted_by: User) -> None:
    """Only a slot that never held an appointment can be removed."""
    if slot.appointments.exists():
        raise ValidationError({"slot": "This slot has appointments and cannot be removed."})
    slot.delete()
