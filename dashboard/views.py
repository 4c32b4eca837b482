from datetime import timedelta

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from assessments.explanations import assessment_explanation
from assessments.models import Assessment, Triage
from clinics.models import AuditAction, Role
from clinics.permissions import SIGNED_IN, STAFF, requires_roles
from clinics.selectors import has_role, membership_for
from dashboard.charts import duration_per_day, episodes_per_day, lab_chart
from dashboard.forms import DashboardFilterForm
from dashboard.selectors import (
    LAB_CHARTS,
    DashboardFilters,
    case_timeline,
    dashboard_infants,
    dashboard_triage_counts,
    lab_readings,
    recommended_tests,
    unacknowledged_alert_count,
)
from episodes.movement_charts import case_video
from episodes.selectors import videos_visible_to
from patients.selectors import infants_visible_to
from patients.services import infant_read_record
from workups.models import ReferralStatus

PAGE_SIZE = 50


@requires_roles(*SIGNED_IN)
def home(request):
    """Everyone lands where their work is: clinicians on the dashboard, caregivers in the portal."""
    membership = membership_for(request.user)
    if membership is None:
        return redirect("portal:home")
    return redirect("dashboard:index")


@requires_roles(*STAFF)
def dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    filters = DashboardFilters(
        triage=cleaned.get("triage", ""),
        cause=cleaned.get("cause", ""),
        assigned=cleaned.get("assigned", ""),
        search=cleaned.get("search", ""),
        alerts_only=cleaned.get("alerts_only", False),
        pending_results=cleaned.get("pending_results", False),
        referral=cleaned.get("referral", ""),
    )
    # The page reads the top of the sort index; the count reads the infant rows alone (every
    # filter is a column), so the two are cheaper apart than `COUNT(*) OVER ()` with the page.
    page = Paginator(dashboard_infants(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    referral_labels = dict(ReferralStatus.choices)
    for infant in rows:
        infant.referral_status_label = referral_labels.get(infant.referral_status, "")
    infant_read_record(
        reader=request.user,
        infants=rows,
        action=AuditAction.LIST,
        resource="dashboard",
        request=request,
    )
    counts = dashboard_triage_counts(request.user)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "triage_counts": [
            {"value": value, "label": label, "count": counts[value]}
            for value, label in reversed(Triage.choices)
        ],
        "open_alerts": unacknowledged_alert_count(request.user),
        "query": request.GET.urlencode(),
    }
    template = (
        "dashboard/includes/results.html"
        if request.headers.get("HX-Request")
        else "dashboard/dashboard.html"
    )
    return render(request, template, context)


@requires_roles(*STAFF)
def case(request, infant_uuid):
    """One infant's case: header, current standing, plots and a single timeline."""
    infant = get_object_or_404(
        infants_visible_to(request.user).select_related("clinic", "assigned_clinician"),
        uuid=infant_uuid,
    )
    infant_read_record(
        reader=request.user, infants=[infant], action=AuditAction.VIEW, request=request
    )
    today = timezone.localdate()
    window_start = timezone.now() - timedelta(days=30)
    recent = list(
        infant.episodes.filter(started_at__gte=window_start).values_list("started_at", "duration_s")
    )
    latest = Assessment.objects.for_infant(infant).latest_first().first()
    return render(
        request,
        "dashboard/case.html",
        {
            "infant": infant,
            "latest": latest,
            "explanation": assessment_explanation(latest) if latest else None,
            "timeline": case_timeline(
                infant, include_audit=has_role(request.user, Role.CLINIC_ADMIN)
            ),
            "charts": [
                episodes_per_day([at for at, _ in recent], end=today),
                duration_per_day(recent, end=today),
            ],
            "lab_charts": [
                lab_chart(title, readings, unit=unit, hours_of_life=infant.is_neonate)
                for title, tests in LAB_CHARTS
                for readings, unit in [lab_readings(infant, tests)]
                if readings
            ],
            "recommended": recommended_tests(infant, latest),
            "open_critical": list(
                infant.critical_alerts.unacknowledged().select_related("result__order", "recipient")
            ),
            "print_view": request.GET.get("print") == "1",
            "can_act": has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN),
            "case_video": case_video(
                videos_visible_to(request.user).filter(episode__infant=infant),
                can_review=has_role(request.user, Role.PEDIATRICIAN, Role.CLINIC_ADMIN),
            ),
        },
    )
