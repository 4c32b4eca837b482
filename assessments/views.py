from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assessments.explanations import assessment_explanation
from assessments.forms import AssessmentReviewForm
from assessments.models import Assessment, AssessmentTrigger
from assessments.selectors import assessments_visible_to
from assessments.services import assessment_request, assessment_review
from clinics.models import AuditAction, AuditChannel, Role
from clinics.permissions import CLINICIANS, STAFF, requires_roles
from clinics.selectors import has_role
from patients.selectors import infants_visible_to
from patients.services import infant_record_audit


def _staff_infant(request, infant_uuid):
    return get_object_or_404(infants_visible_to(request.user), uuid=infant_uuid)


@requires_roles(*STAFF)
def assessment_list(request, infant_uuid):
    infant = _staff_infant(request, infant_uuid)
    assessments = Assessment.objects.for_infant(infant).latest_first()[:50]
    infant_record_audit(
        actor=request.user,
        action=AuditAction.LIST,
        resource="assessment",
        channel=AuditChannel.WEB,
        infant=infant,
        request=request,
    )
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "infant": infant,
            "assessments": assessments,
            "can_run": has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN),
        },
    )


@requires_roles(*STAFF, write=CLINICIANS)
def assessment_detail(request, infant_uuid, assessment_uuid):
    infant = _staff_infant(request, infant_uuid)
    assessment = get_object_or_404(
        assessments_visible_to(request.user)
        .filter(infant=infant)
        .prefetch_related("reviews__reviewer"),
        uuid=assessment_uuid,
    )
    can_review = has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN)
    form = AssessmentReviewForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment_review(
                    assessment=assessment,
                    reviewer=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, "Review recorded.")
                return redirect("dashboard:case", infant.uuid)
    else:
        infant_record_audit(
            actor=request.user,
            action=AuditAction.VIEW,
            resource="assessment",
            channel=AuditChannel.WEB,
            infant=infant,
            object_uuid=assessment.uuid,
            request=request,
        )
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "infant": infant,
            "assessment": assessment,
            "explanation": assessment_explanation(assessment),
            "reviews": assessment.reviews.all(),
            "form": form if can_review else None,
        },
    )


@require_POST
@requires_roles(*CLINICIANS)
def assessment_run(request, infant_uuid):
    infant = _staff_infant(request, infant_uuid)
    with transaction.atomic():
        assessment_request(
            infant=infant, trigger=AssessmentTrigger.CLINICIAN_REQUEST, requested_by=request.user
        )
    messages.info(request, "Assessment requested; it appears here within seconds.")
    return redirect("assessments:list", infant.uuid)
