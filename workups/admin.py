from django.contrib import admin

from workups.models import NeurologySlot


@admin.register(NeurologySlot)
class NeurologySlotAdmin(admin.ModelAdmin):
    """Superusers only (clinic admins manage their slots on the slots page)."""

    list_display = ["starts_at", "neurologist_name", "location", "clinic", "length_minutes"]
    list_filter = ["clinic", "neurologist_name"]
    date_hierarchy = "starts_at"
