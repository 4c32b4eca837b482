"""Order pages: picking an infant, the list, new orders, one order, its moves and its result."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.models import Assessment
from clinics.models import AuditAction, AuditChannel
from clinics.permissions import CLINICIANS, STAFF, requires_roles
from patients.selectors import infants_visible_to
from patients.services import infant_record_audit
from workups.forms import (
    InfantPickForm,
    OrderForm,
    OrderTransitionForm,
    ResultForm,
)
from workups.models import OrderStatus
from workups.selectors import (
    orders_visible_to,
)
from workups.services import (
    order_create,
    order_transition,
    orders_from_assessment,
    result_record,
)
from workups.views.common import (
    LIST_ROWS,
    _audit_infant_page,
    _audit_list,
    _clinic_zone,
    _form_errors,
    _picker_infants,
)

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
