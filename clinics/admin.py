"""The Django admin is for superusers only (a clinic admin gets a 404 there, see
`SuperuserOnlyAdminMiddleware`): clinic admins manage their staff on the clinic's own pages,
through services that keep every change inside their clinic."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from clinics.models import ApiToken, Clinic, Membership, StaffInvitation, User
from clinics.services import api_tokens_revoke_all


def _superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


# The default site, narrowed to superusers.
admin.site.has_permission = _superuser_only  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["clinic", "role", "is_active"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]
    actions = ["revoke_api_tokens"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "phone"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def user_change_password(self, request, id, form_url=""):
        """A password set here also revokes the person's API tokens, in the same transaction,
        and the audit row names the administrator who set it."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                api_tokens_revoke_all(
                    user=User.objects.get(pk=id),
                    actor=request.user,
                    request=request,
                    reason="password_set_by_admin",
                )
        return response

    @admin.action(description="Revoke all API tokens of the selected people")
    def revoke_api_tokens(self, request, queryset):
        revoked = sum(
            api_tokens_revoke_all(user=user, request=request, reason="admin_action")
            for user in queryset
        )
        self.message_user(request, f"{revoked} API token(s) revoked.", messages.SUCCESS)


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "clinic", "role", "is_active"]
    list_filter = ["role", "is_active"]


@admin.register(StaffInvitation)
class StaffInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "clinic", "role", "expires_at", "used_at", "revoked_at"]
    readonly_fields = ["token_digest"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "key_digest", "user", "expires_at", "last_used_at"]
