"""Staff pages for orders, results, critical alerts, referrals, slots and the nurses' worklist,
and the caregiver's upcoming appointments. Objects are found through the work-ups selectors, so
another clinic's object is a 404; the role check comes after the lookup."""

from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.models import Assessment
from clinics.models import AuditAction, AuditChannel, Role
from clinics.permissions import CAREGIVER, CLINICIANS, STAFF, requires_roles
from clinics.selectors import membership_for
from patients.models import Guardianship, Infant
from patients.selectors import infants_visible_to
from patients.services import infant_read_record, infant_record_audit
from workups.forms import (
    FollowUpAddForm,
    FollowUpCallForm,
    FollowUpCompleteForm,
    FollowUpReassignForm,
    InfantPickForm,
    OrderForm,
    OrderTransitionForm,
    ReferralForm,
    ResultForm,
    SlotForm,
    WorklistFilterForm,
)
from workups.models import FollowUpAttempt, FollowUpOutcome, OrderStatus, Priority
from workups.selectors import (
    appointments_upcoming_for_caregiver,
    appointments_visible_to,
    clinic_assignees,
    critical_alerts_visible_to,
    follow_ups_visible_to,
    orders_visible_to,
    referrals_visible_to,
    slots_visible_to,
)
from workups.services import (
    appointment_confirm,
    appointment_outcome_record,
    critical_alert_acknowledge,
    follow_up_add,
    follow_up_call_record,
    follow_up_complete,
    follow_up_reassign,
    order_create,
    order_transition,
    orders_from_assessment,
    referral_confirm,
    referral_create,
    result_record,
    slot_create,
    slot_delete,
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


# Orders ------------------------------------------------------------------------------------------


def _infant_pick_form(request) -> InfantPickForm:
    return InfantPickForm(infants=infants_visible_to(request.user).order_by("family_name", "id"))


@requires_roles(*STAFF)
def infant_pick(request):
    form = InfantPickForm(request.GET, infants=infants_visible_to(request.user))
    if not form.is_valid():
        if "infant" in form.errors and request.GET.get("infant"):
            # Another clinic's (or no) infant named in the query: a refusal, audited as a probe.
            raise Http404("No such infant.")
        return redirect("workups:order-list")
    target = (
        "workups:order-create"
        if form.cleaned_data["then"] == "order"
        else ("workups:referral-create")
    )
    return redirect(target, infant_id=form.cleaned_data["infant"].uuid)


@requires_roles(*STAFF)
def order_list(request):
    status = request.GET.get("status", "")
    orders = orders_visible_to(request.user).for_list()
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    orders = list(orders[:LIST_ROWS])
    pick_form = _infant_pick_form(request)
    _audit_list(
        request, "test_order", [order.infant for order in orders], _picker_infants(pick_form)
    )
    return render(
        request,
        "workups/order_list.html",
        {
            "orders": orders,
            "statuses": OrderStatus.choices,
            "status": status,
            "pick_form": pick_form,
        },
    )


@requires_roles(*CLINICIANS)
def order_create_page(request, infant_id):
    infant = get_object_or_404(infants_visible_to(request.user), uuid=infant_id)
    form = OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = order_create(infant=infant, ordered_by=request.user, request=request,
                                 **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{order.get_test_display()} ordered.")
            return redirect("dashboard:case", infant.uuid)
    latest = Assessment.objects.for_infant(infant).latest_first().first()
    _audit_infant_page(request, infant, "test_order_form")
    return render(
        request,
        "workups/order_form.html",
        {"infant": infant, "form": form, "assessment": latest},
    )


@requires_roles(*CLINICIANS)
@require_POST
def orders_from_assessment_page(request):
    assessment = get_object_or_404(
        Assessment.objects.filter(infant__in=infants_visible_to(request.user)),
        uuid=request.POST.get("assessment"),
    )
    codes = request.POST.getlist("test") or None
    orders = orders_from_assessment(
        assessment=assessment, ordered_by=request.user, codes=codes, request=request
    )
    names = ", ".join(order.get_test_display() for order in orders) or "nothing new"
    messages.success(request, f"Ordered from the recommendations: {names}.")
    return redirect("dashboard:case", assessment.infant.uuid)


def _order_page(request, order, transition_form=None, result_form=None):
    return render(
        request,
        "workups/order_detail.html",
        {
            "order": order,
            "infant": order.infant,
            "events": order.events.select_related("actor"),
            "transition_form": transition_form or OrderTransitionForm(order=order),
            "result_form": result_form or ResultForm(order=order),
        },
    )


def _visible_order(request, order_uuid):
    return get_object_or_404(orders_visible_to(request.user).for_list(), uuid=order_uuid)


@requires_roles(*STAFF)
def order_detail(request, order_uuid):
    order = _visible_order(request, order_uuid)
    infant_record_audit(
        actor=request.user,
        action=AuditAction.VIEW,
        resource="test_order",
        channel=AuditChannel.WEB,
        infant=order.infant,
        object_uuid=order.uuid,
        request=request,
    )
    return _order_page(request, order)


@requires_roles(*STAFF)
@require_POST
def order_transition_page(request, order_uuid):
    order = _visible_order(request, order_uuid)
    form = OrderTransitionForm(request.POST, order=order)
    if form.is_valid():
        try:
            order_transition(order=order, actor=request.user, request=request,
                             **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("workups:order-detail", order_uuid=order.uuid)
    return _order_page(request, order, transition_form=form)


@requires_roles(*STAFF)
@require_POST
def result_create_page(request, order_uuid):
    order = _visible_order(request, order_uuid)
    with timezone.override(_clinic_zone(request)):
        form = ResultForm(request.POST, order=order)
        valid = form.is_valid()
    if valid:
        fields = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            result = result_record(order=order, recorded_by=request.user, request=request,
                                   **fields)  # fmt: skip
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if result.is_critical:
                messages.error(
                    request,
                    f"Critical result recorded: {result.display_value}. The ordering "
                    "pediatrician has been alerted by text message and must acknowledge it.",
                    extra_tags="emergency",
                )
            else:
                messages.success(request, f"Result recorded: {result.display_value}.")
            return redirect("workups:order-detail", order_uuid=order.uuid)
    return _order_page(request, order, result_form=form)


# Critical alerts ---------------------------------------------------------------------------------


@requires_roles(*STAFF)
def alert_list(request):
    alerts = critical_alerts_visible_to(request.user).select_related(
        "infant", "result__order", "recipient", "acknowledged_by"
    )
    alerts = list(alerts[:LIST_ROWS])
    _audit_list(request, "critical_alert", [alert.infant for alert in alerts])
    return render(request, "workups/alert_list.html", {"alerts": alerts})


@requires_roles(*CLINICIANS)
@require_POST
def alert_acknowledge(request, critical_alert_uuid):
    alert = get_object_or_404(
        critical_alerts_visible_to(request.user).select_related("infant"), uuid=critical_alert_uuid
    )
    critical_alert_acknowledge(
        alert=alert,
        acknowledged_by=request.user,
        action_taken=request.POST.get("action_taken", ""),
        request=request,
    )
    messages.success(request, "Critical result acknowledged.")
    return redirect("dashboard:case", alert.infant.uuid)


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


# The nurses' worklist ----------------------------------------------------------------------------


@requires_roles(*STAFF)
def worklist(request):
    assignees = list(clinic_assignees(request.user))
    data = request.GET if request.GET else {"status": "open"}
    form = WorklistFilterForm(data, assignees=assignees)
    tasks = (
        follow_ups_visible_to(request.user)
        .worklist()
        .select_related("infant__clinic", "escalated_to")
        .prefetch_related(
            Prefetch(
                "infant__guardianships",
                queryset=Guardianship.objects.active().select_related("caregiver"),
                to_attr="active_guardians",
            ),
            Prefetch("attempts", queryset=FollowUpAttempt.objects.select_related("made_by")),
        )
    )
    if form.is_valid():
        filters = form.cleaned_data
        if filters["kind"]:
            tasks = tasks.filter(kind=filters["kind"])
        if filters["status"]:
            tasks = tasks.filter(status=filters["status"])
        if filters["assignee"] == "me":
            tasks = tasks.filter(assignee=request.user)
        elif filters["assignee"]:
            tasks = tasks.filter(assignee__uuid=filters["assignee"])
    tasks = list(tasks[:LIST_ROWS])
    _audit_list(request, "follow_up", [task.infant for task in tasks])
    return render(
        request,
        "workups/worklist.html",
        {
            "tasks": tasks,
            "form": form,
            "assignees": assignees,
            "outcomes": FollowUpOutcome.choices,
        },
    )


def _visible_task(request, followup_uuid):
    return get_object_or_404(follow_ups_visible_to(request.user), uuid=followup_uuid)


@requires_roles(*STAFF)
@require_POST
def follow_up_complete_page(request, followup_uuid):
    task = _visible_task(request, followup_uuid)
    form = FollowUpCompleteForm(request.POST)
    if form.is_valid():
        try:
            follow_up_complete(task=task, completed_by=request.user, request=request,
                               outcome_note=form.cleaned_data["outcome_note"])  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Task done.")
    else:
        messages.error(request, "Write what happened before closing the task.")
    return redirect("workups:worklist")


@requires_roles(*STAFF)
@require_POST
def follow_up_call_page(request, followup_uuid):
    """One click records how a call went; the nurse stays on the worklist."""
    task = _visible_task(request, followup_uuid)
    form = FollowUpCallForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how the call went.")
        return redirect("workups:worklist")
    with errors_as_messages(request):
        attempt = follow_up_call_record(task=task, made_by=request.user, request=request,
                                        **form.cleaned_data)  # fmt: skip
        messages.success(
            request,
            f"{attempt.get_outcome_display()} recorded for {task.infant.full_name}"
            + ("; task closed." if attempt.task.status == "done" else "; the task stays open."),
        )
    return redirect("workups:worklist")


@requires_roles(*STAFF)
@require_POST
def follow_up_reassign_page(request, followup_uuid):
    task = _visible_task(request, followup_uuid)
    form = FollowUpReassignForm(request.POST)
    assignee = None
    if form.is_valid() and form.cleaned_data["assignee"]:
        assignee = clinic_assignees(request.user).filter(uuid=form.cleaned_data["assignee"]).first()
    with errors_as_messages(request):
        follow_up_reassign(task=task, assignee=assignee, reassigned_by=request.user,
                           request=request)  # fmt: skip
    return redirect("workups:worklist")


# The caregiver portal ----------------------------------------------------------------------------


@requires_roles(CAREGIVER)
def portal_appointments(request):
    appointments = list(appointments_upcoming_for_caregiver(request.user).for_list())
    _audit_list(
        request, "appointment", [appointment.referral.infant for appointment in appointments]
    )
    return render(request, "workups/portal_appointments.html", {"appointments": appointments})


@requires_roles(*STAFF)
def follow_up_add_page(request, infant_id):
    """Times typed here are clinic time: the clinic's zone is active for staff requests."""
    infant = get_object_or_404(infants_visible_to(request.user), uuid=infant_id)
    assignees = list(clinic_assignees(request.user))
    form = FollowUpAddForm(request.POST or None, assignees=assignees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assignee = next((p for p in assignees if str(p.uuid) == data["assignee"]), None)
        try:
            follow_up_add(
                infant=infant, kind=data["kind"], description=data["description"],
                due_at=data["due_at"], created_by=request.user, assignee=assignee,
                priority=data["priority"] or Priority.ROUTINE,
            )  # fmt: skip
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Follow-up added to the worklist.")
            return redirect("dashboard:case", infant.uuid)
    _audit_infant_page(request, infant, "follow_up_form")
    return render(request, "workups/follow_up_form.html", {"infant": infant, "form": form})
