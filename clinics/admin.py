from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from clinics.models import ApiToken, Clinic, Membership, Role, User
from clinics.selectors import has_role, membership_for
from clinics.services import api_tokens_revoke_all


class PasswordSetForm(AdminPasswordChangeForm):
    """An administrator setting a password also revokes the person's API tokens."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            api_tokens_revoke_all(user=user, reason="password_set_by_admin")
        return user


class ClinicAdminAccess:
    """Clinic admins manage their own clinic in the Django admin; superusers manage all."""

    clinic_path = "clinic"

    def _is_clinic_admin(self, request) -> bool:
        return has_role(request.user, Role.CLINIC_ADMIN)

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or self._is_clinic_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        membership = membership_for(request.user)
        if membership is None:
            return queryset.none()
        return queryset.filter(**{self.clinic_path: membership.clinic}).distinct()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["clinic", "role", "is_active"]


@admin.register(User)
class UserAdmin(ClinicAdminAccess, DjangoUserAdmin):
    clinic_path = "memberships__clinic"
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]
    change_password_form = PasswordSetForm
    actions = ["revoke_api_tokens"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "phone"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["is_staff", "is_superuser"]

    @admin.action(description="Revoke all API tokens of the selected people")
    def revoke_api_tokens(self, request, queryset):
        revoked = sum(
            api_tokens_revoke_all(user=user, request=request, reason="admin_action")
            for user in queryset
        )
        self.message_user(request, f"{revoked} API token(s) revoked.", messages.SUCCESS)


@admin.register(Clinic)
class ClinicAdmin(ClinicAdminAccess, admin.ModelAdmin):
    clinic_path = "pk__in"
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        membership = membership_for(request.user)
        return queryset.filter(pk=membership.clinic_id) if membership else queryset.none()

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(ClinicAdminAccess, admin.ModelAdmin):
    list_display = ["user", "clinic", "role", "is_active"]
    list_filter = ["role", "is_active"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "key_digest", "user", "expires_at", "last_used_at"]
