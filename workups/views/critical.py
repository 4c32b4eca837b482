"""Critical alert pages: the list and the acknowledgement."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinics.permissions import CLINICIANS, STAFF, requires_roles
from workups.selectors import (
    critical_alerts_visible_to,
)
from workups.services import (
    critical_alert_acknowledge,
)
from workups.views.common import LIST_ROWS, _audit_list

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
