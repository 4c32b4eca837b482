from django.contrib import admin

from clinics.admin import ClinicAdminAccess
from clinics.selectors import membership_for
from workups.models import NeurologySlot


@admin.register(NeurologySlot)
class NeurologySlotAdmin(ClinicAdminAccess, admin.ModelAdmin):
    """Clinic admins manage their own clinic's neurology slots; superusers choose the clinic."""

    list_display = ["starts_at", "neurologist_name", "location", "length_minutes"]
    list_filter = ["neurologist_name"]
    date_hierarchy = "starts_at"

    def get_exclude(self, request, obj=None):
        return [] if request.user.is_superuser else ["clinic"]

    def save_model(self, request, obj, form, change):
        if not obj.clinic_id:
            obj.clinic = membership_for(request.user).clinic
        super().save_model(request, obj, form, change)
