from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from clinics.forms import (
    AccountLanguageForm,
    MembershipRoleForm,
    NewAccountForm,
    PasswordChangeForm,
    SecondFactorForm,
    SignInForm,
    StaffInviteForm,
)
from clinics.models import ApiToken, AuditAction, AuditChannel, Membership, Notification, Role, User
from clinics.permissions import PUBLIC, SIGNED_IN, requires_roles
from clinics.selectors import (
    has_second_factor,
    membership_for,
    memberships_managed_by,
    needs_second_factor,
    staff_invitations_managed_by,
)
from clinics.services import (
    InvitationRefused,
    account_language_set,
    api_tokens_revoke_all,
    audit_record,
    membership_deactivate,
    membership_role_change,
    notification_mark_read,
    recovery_codes_issue,
    second_factor_match,
    staff_invitation_accept_existing_account,
    staff_invitation_accept_new_account,
    staff_invitation_for_token,
    staff_invitation_revoke,
    staff_invitation_send,
    totp_enrolment_confirm,
    totp_enrolment_start,
    user_password_change,
)
from clinics.throttles import AuthThrottle, page_throttle_refusal


def _second_factor_url(user, next_url: str) -> str:
    target = "otp-verify" if has_second_factor(user) else "otp-setup"
    return f"{reverse(target)}?{urlencode({'next': next_url})}"


def _next_url(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def _other_sign_in_step(request, next_url: str, *, enrolled: bool):
    """None when this page (verify: enrolled, set up: not enrolled) is the user's next step;
    otherwise a redirect to the step that is."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return redirect(next_url)
    if has_second_factor(user) != enrolled:
        return redirect(_second_factor_url(user, next_url))
    return None


def _complete_verification(request, device) -> None:
    # A new session key once the second factor is in: a key seen before it is worth nothing.
    request.session.cycle_key()
    otp_login(request, device)


class SignInView(auth_views.LoginView):
    required_roles = PUBLIC
    template_name = "clinics/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Attempts per client address, whatever the account, counted with the token endpoint's.
        if refusal := page_throttle_refusal(request, AuthThrottle()):
            return refusal
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        url = super().get_success_url()
        user = self.request.user
        if needs_second_factor(user) and not _is_verified(user):
            return _second_factor_url(user, url)
        return url


class SignOutView(auth_views.LogoutView):
    required_roles = PUBLIC


@never_cache
@requires_roles(*SIGNED_IN)
def second_factor_verify(request):
    user = request.user
    next_url = _next_url(request)
    if other_step := _other_sign_in_step(request, next_url, enrolled=True):
        return other_step
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_match(user=user, token=form.cleaned_data["otp_token"])
        if device is not None:
            _complete_verification(request, device)
            return redirect(next_url)
        form.add_error(
            "otp_token",
            "That code is not valid. Enter the current code from your authenticator app, "
            "or one of your recovery codes.",
        )
    return render(request, "clinics/otp_verify.html", {"form": form, "next": next_url})


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@never_cache
@requires_roles(*SIGNED_IN)
def second_factor_setup(request):
    user = request.user
    next_url = _next_url(request)
    # Once enrolled, never again with only a password: that would defeat the first authenticator.
    if other_step := _other_sign_in_step(request, next_url, enrolled=False):
        return other_step
    device = totp_enrolment_start(user=user)
    form = SecondFactorForm(request.POST or None, submit_label="Confirm")
    if request.method == "POST" and form.is_valid():
        codes = totp_enrolment_confirm(
            device=device, token=form.cleaned_data["otp_token"], request=request
        )
        if codes is not None:
            device.refresh_from_db()
            _complete_verification(request, device)
            return render(
                request, "clinics/otp_recovery_codes.html", {"codes": codes, "next": next_url}
            )
        form.add_error("otp_token", "That code is not valid. Check the app's clock and retry.")
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        # Generated here from our own data; no user input reaches the markup.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308
    }
    return render(request, "clinics/otp_setup.html", context)


@never_cache
@requires_roles(*SIGNED_IN)
def account_security(request):
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    password_form = PasswordChangeForm(user, data=request.POST if action == "password" else None)
    if action == "password" and password_form.is_valid():
        user_password_change(
            user=user, password=password_form.cleaned_data["new_password1"], request=request
        )
        update_session_auth_hash(request, user)
        messages.success(request, gettext("Password changed. Your API tokens were revoked."))
        return redirect("account-security")
    if action == "revoke_tokens":
        revoked = api_tokens_revoke_all(user=user, request=request)
        messages.success(
            request,
            ngettext("{count} API token revoked.", "{count} API tokens revoked.", revoked).format(
                count=revoked
            ),
        )
        return redirect("account-security")
    if action == "recovery_codes" and needs_second_factor(user):
        codes = recovery_codes_issue(user=user, request=request)
        return render(
            request,
            "clinics/otp_recovery_codes.html",
            {"codes": codes, "next": reverse("account-security")},
        )
    tokens = ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
    context = {
        "password_form": password_form,
        "tokens": tokens,
        "uses_second_factor": needs_second_factor(user),
    }
    return render(request, "clinics/account_security.html", context)


@requires_roles(*SIGNED_IN)
@require_POST
def account_language(request):
    """The portal's language switch: stored on the account, so every device follows it."""
    form = AccountLanguageForm(request.POST)
    if form.is_valid():
        account_language_set(user=request.user, language=form.cleaned_data["language"])
    return redirect(_next_url(request))


@requires_roles(*SIGNED_IN)
def notification_list(request):
    notifications = list(
        Notification.objects.for_recipient(request.user).order_by("-created_at")[:100]
    )
    # Their titles name infants: a list read like any other (clinics sits below patients, so
    # this is the one list row written without patients.services.infant_read_record).
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        resource="notification",
        channel=AuditChannel.WEB,
        request=request,
        infant_uuids={item.infant_uuid for item in notifications if item.infant_uuid},
    )
    return render(request, "clinics/notifications.html", {"notifications": notifications})


@requires_roles(*SIGNED_IN)
@require_POST
def notification_read(request, notification_uuid):
    notification = get_object_or_404(
        Notification.objects.for_recipient(request.user), uuid=notification_uuid
    )
    notification_mark_read(notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications")


# Staff management: clinic admins of their own clinic --------------------------------------------


def _managed_membership(request, membership_uuid) -> Membership:
    return get_object_or_404(memberships_managed_by(request.user), uuid=membership_uuid)


@never_cache
@requires_roles(Role.CLINIC_ADMIN)
def staff_list(request):
    clinic = membership_for(request.user).clinic
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = staff_invitation_send(
                clinic=clinic,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                request=request,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as {invitation.get_role_display()}. "
                "The link works once, for 72 hours.",
            )
            return redirect("staff-list")
    members = list(
        memberships_managed_by(request.user).order_by("-is_active", "user__full_name", "id")
    )
    for member in members:
        member.is_you = member.user_id == request.user.pk
    invitations = (
        staff_invitations_managed_by(request.user)
        .pending()
        .filter(expires_at__gt=timezone.now())
        .order_by("email")
    )
    context = {"form": form, "members": members, "invitations": invitations, "clinic": clinic}
    return render(request, "clinics/staff_list.html", context)


@never_cache
@requires_roles(Role.CLINIC_ADMIN)
def membership_detail(request, membership_uuid):
    membership = _managed_membership(request, membership_uuid)
    action = request.POST.get("action") if request.method == "POST" else None
    form = MembershipRoleForm(
        request.POST if action == "role" else None, initial={"role": membership.role}
    )
    try:
        if action == "role" and form.is_valid():
            membership_role_change(
                membership=membership,
                role=form.cleaned_data["role"],
                changed_by=request.user,
                request=request,
            )
            membership.refresh_from_db()
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
            return redirect("staff-detail", membership_uuid=membership.uuid)
        if action == "deactivate_confirmed":
            membership_deactivate(
                membership=membership, deactivated_by=request.user, request=request
            )
            messages.success(
                request,
                f"{membership.user} no longer has access to {membership.clinic}. "
                "Their sessions were ended and their API tokens revoked.",
            )
            return redirect("staff-list")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    context = {
        "membership": membership,
        "form": form,
        "is_self": membership.user_id == request.user.pk,
        "confirm_deactivation": action == "deactivate",
    }
    return render(request, "clinics/staff_detail.html", context)


@require_POST
@requires_roles(Role.CLINIC_ADMIN)
def staff_invitation_withdraw(request, staff_invitation_uuid):
    invitation = get_object_or_404(
        staff_invitations_managed_by(request.user), uuid=staff_invitation_uuid
    )
    staff_invitation_revoke(invitation=invitation, revoked_by=request.user, request=request)
    messages.success(request, f"The invitation of {invitation.email} was withdrawn.")
    return redirect("staff-list")


def _invitation_refused(request, refusal):
    return render(request, "patients/invitation_refused.html", {"reason": str(refusal)}, status=410)


@never_cache
@requires_roles(*PUBLIC)
def staff_invitation_accept(request, token):
    """Open to anyone holding the link. A new staff member chooses a password here and then sets
    up the second factor; an existing account must sign in first with the invited address."""
    try:
        invitation = staff_invitation_for_token(token)
    except InvitationRefused as refusal:
        return _invitation_refused(request, refusal)
    context = {"invitation": invitation, "clinic": invitation.clinic}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                staff_invitation_accept_existing_account(
                    raw_token=token, user=request.user, request=request
                )
            except InvitationRefused as refusal:
                return _invitation_refused(request, refusal)
            messages.success(request, f"You joined {invitation.clinic} as staff.")
            return redirect(_second_factor_url(request.user, reverse("home")))
        return render(request, "clinics/staff_invitation_signed_in.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = f"{reverse('login')}?{urlencode({'next': request.path})}"
        return render(request, "patients/invitation_sign_in_first.html", context)
    form = NewAccountForm(
        request.POST or None, email=invitation.email, submit_label="Create account"
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_invitation_accept_new_account(
                raw_token=token,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                request=request,
            )
        except InvitationRefused as refusal:
            return _invitation_refused(request, refusal)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Your account at {invitation.clinic} is ready. Last step: set up your "
            "authenticator app.",
        )
        return redirect(_second_factor_url(user, reverse("home")))
    context["form"] = form
    return render(request, "clinics/staff_invitation_accept.html", context)
