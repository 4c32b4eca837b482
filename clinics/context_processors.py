from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clinics.models import AuditAction, AuditChannel, Notification, Role
from clinics.selectors import family_clinic_for, membership_for
from clinics.services import audit_record

# (label, url name) shown in the navigation bar, by role; "caregiver" has no membership.
NAVIGATION = {
    Role.CLINIC_ADMIN: [
        (_("Dashboard"), "dashboard:index"),
        (_("Infants"), "patients:infant-list"),
        (_("Orders"), "workups:order-list"),
        (_("Referrals"), "workups:referral-list"),
        (_("Slots"), "workups:slot-list"),
        (_("Staff"), "staff-list"),
        (_("API"), "api-docs"),
        (_("Security"), "account-security"),
    ],
    Role.PEDIATRICIAN: [
        (_("Dashboard"), "dashboard:index"),
        (_("Infants"), "patients:infant-list"),
        (_("Worklist"), "workups:worklist"),
        (_("Orders"), "workups:order-list"),
        (_("Alerts"), "workups:alert-list"),
        (_("Referrals"), "workups:referral-list"),
        (_("API"), "api-docs"),
        (_("Security"), "account-security"),
    ],
    Role.NURSE: [
        (_("Dashboard"), "dashboard:index"),
        (_("Infants"), "patients:infant-list"),
        (_("Worklist"), "workups:worklist"),
        (_("Orders"), "workups:order-list"),
        (_("Security"), "account-security"),
    ],
    "caregiver": [
        (_("My children"), "portal:home"),
        (_("Appointments"), "workups:portal-appointments"),
        (_("Security"), "account-security"),
    ],
}


def navigation(request) -> dict:
    """The signed-in person's clinic, role and navigation links."""
    membership = membership_for(request.user)
    role = membership.role if membership else "caregiver"
    items = []
    if request.user.is_authenticated:
        items = [{"label": label, "url": reverse(name)} for label, name in NAVIGATION[role]]
    unread = (
        Notification.objects.for_recipient(request.user).unread().count()
        if request.user.is_authenticated
        else 0
    )
    # A clinician's own unacknowledged critical results follow them on every page.
    my_critical = (
        list(
            request.user.critical_alerts.filter(acknowledged_at__isnull=True)
            .select_related("infant", "result__order")
            .order_by("created_at")[:5]
        )
        if membership is not None and membership.role in (Role.PEDIATRICIAN, Role.CLINIC_ADMIN)
        else []
    )
    if my_critical:
        # The banner names the infants on every page: a list read like any other.
        audit_record(
            actor=request.user,
            action=AuditAction.LIST,
            resource="critical_banner",
            channel=AuditChannel.WEB,
            request=request,
            infant_uuids={alert.infant.uuid for alert in my_critical},
        )
    return {
        "my_open_critical_alerts": my_critical,
        "unread_notifications": unread,
        "current_membership": membership,
        "current_role": role if request.user.is_authenticated else None,
        "current_clinic": membership.clinic if membership else family_clinic_for(request.user),
        "nav_items": items,
    }
