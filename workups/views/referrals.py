"""Referral pages: the list, a new referral, confirmation, appointments and neurology slots."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinics.models import Role
from clinics.permissions import CLINICIANS, STAFF, requires_roles
from clinics.selectors import membership_for
from patients.selectors import infants_visible_to
from workups.forms import (
    ReferralForm,
    SlotForm,
)
from workups.selectors import (
    appointments_visible_to,
    referrals_visible_to,
    slots_visible_to,
)
from workups.services import (
    appointment_confirm,
    appointment_outcome_record,
    referral_confirm,
    referral_create,
    slot_create,
    slot_delete,
)
from workups.views.common import (
    LIST_ROWS,
    _audit_infant_page,
    _audit_list,
    _clinic_zone,
    _form_errors,
    errors_as_messages,
)

# Referrals, appointments, slots ------------------------------------------------------------------


@requires_roles(*STAFF)
def referral_list(request):
    referrals = list(referrals_visible_to(request.user).for_list()[:LIST_ROWS])
    appointments = list(appointments_visible_to(request.user).booked().for_list()[:LIST_ROWS])
    _audit_list(
        request,
        "referral",
        [referral.infant for referral in referrals],
        [appointment.referral.infant for appointment in appointments],
    )
    return render(
        request,
        "workups/referral_list.html",
        {"referrals": referrals, "appointments": appointments},
    )


@requires_roles(*CLINICIANS)
def referral_create_page(request, infant_id):
    infant = get_object_or_404(infants_visible_to(request.user), uuid=infant_id)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_create(
                infant=infant,
                created_by=request.user,
                reason=form.cleaned_data["reason"],
                urgency=form.cleaned_data["urgency"] or None,
                request=request,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if referral.instruction:
                # Not a success: an infant is being sent to hospital. Say what is now happening.
                messages.error(
                    request,
                    f"Emergency: {referral.instruction} A stat call to the family is at the top "
                    "of the nurses' worklist; if it is not done within "
                    f"{settings.FOLLOW_UP_STAT_ESCALATE_MINUTES} minutes, you will be alerted.",
                    extra_tags="emergency",
                )
            else:
                messages.success(request, "Referral made; booking a slot.")
            return redirect("dashboard:case", infant.uuid)
    _audit_infant_page(request, infant, "referral_form")
    return render(request, "workups/referral_form.html", {"infant": infant, "form": form})


@requires_roles(*STAFF)
@require_POST
def appointment_outcome(request, appointment_uuid):
    appointment = get_object_or_404(appointments_visible_to(request.user), uuid=appointment_uuid)
    with errors_as_messages(request):
        appointment_outcome_record(
            appointment=appointment,
            outcome=request.POST.get("outcome", ""),
            recorded_by=request.user,
            request=request,
        )
    return redirect("workups:referral-list")


@requires_roles(*CLINICIANS)
@require_POST
def referral_confirm_page(request, referral_uuid):
    referral = get_object_or_404(referrals_visible_to(request.user), uuid=referral_uuid)
    with errors_as_messages(request):
        referral_confirm(referral=referral, confirmed_by=request.user, request=request)
    return redirect("workups:referral-list")


@requires_roles(*STAFF)
@require_POST
def appointment_confirm_page(request, appointment_uuid):
    appointment = get_object_or_404(appointments_visible_to(request.user), uuid=appointment_uuid)
    with errors_as_messages(request):
        appointment_confirm(appointment=appointment, confirmed_by=request.user, request=request)
    return redirect("workups:referral-list")


@requires_roles(Role.CLINIC_ADMIN)
def slot_list(request):
    with timezone.override(_clinic_zone(request)):
        form = SlotForm(request.POST or None)
        valid = request.method == "POST" and form.is_valid()
    if valid:
        try:
            slot_create(
                clinic=membership_for(request.user).clinic,
                created_by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Slot added.")
            return redirect("workups:slot-list")
    slots = slots_visible_to(request.user).filter(starts_at__gte=timezone.now())
    return render(request, "workups/slot_list.html", {"slots": slots[:LIST_ROWS], "form": form})


@requires_roles(Role.CLINIC_ADMIN)
@require_POST
def slot_delete_page(request, slot_uuid):
    slot = get_object_or_404(slots_visible_to(request.user), uuid=slot_uuid)
    with errors_as_messages(request):
        slot_delete(slot=slot, deleted_by=request.user)
    return redirect("workups:slot-list")
