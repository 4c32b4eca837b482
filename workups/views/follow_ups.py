"""The nurses' worklist and what a nurse does with a follow-up task."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinics.permissions import STAFF, requires_roles
from patients.models import Guardianship
from patients.selectors import infants_visible_to
from workups.forms import (
    FollowUpAddForm,
    FollowUpCallForm,
    FollowUpCompleteForm,
    FollowUpReassignForm,
    WorklistFilterForm,
)
from workups.models import FollowUpAttempt, FollowUpOutcome, Priority
from workups.selectors import (
    clinic_assignees,
    follow_ups_visible_to,
)
from workups.services import (
    follow_up_add,
    follow_up_call_record,
    follow_up_complete,
    follow_up_reassign,
)
from workups.views.common import (
    LIST_ROWS,
    _audit_infant_page,
    _audit_list,
    _form_errors,
    errors_as_messages,
)

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
