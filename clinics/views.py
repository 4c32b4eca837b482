from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from clinics.forms import PasswordChangeForm, SecondFactorForm, SignInForm
from clinics.models import ApiToken, AuditAction, AuditChannel, Notification
from clinics.selectors import has_second_factor, needs_second_factor
from clinics.services import (
    api_tokens_revoke_all,
    audit_record,
    notification_mark_read,
    recovery_codes_issue,
    second_factor_match,
    totp_enrolment_confirm,
    totp_enrolment_start,
    user_password_change,
)


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
    template_name = "clinics/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        user = self.request.user
        if needs_second_factor(user) and not _is_verified(user):
            return _second_factor_url(user, url)
        return url


class SignOutView(auth_views.LogoutView):
    pass


@never_cache
@login_required
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
@login_required
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
@login_required
def account_security(request):
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    password_form = PasswordChangeForm(user, data=request.POST if action == "password" else None)
    if action == "password" and password_form.is_valid():
        user_password_change(
            user=user, password=password_form.cleaned_data["new_password1"], request=request
        )
        update_session_auth_hash(request, user)
        messages.success(request, "Password changed. Your API tokens were revoked.")
        return redirect("account-security")
    if action == "revoke_tokens":
        revoked = api_tokens_revoke_all(user=user, request=request)
        messages.success(request, f"{revoked} API token(s) revoked.")
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


@login_required
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


@login_required
@require_POST
def notification_read(request, notification_uuid):
    notification = get_object_or_404(
        Notification.objects.for_recipient(request.user), uuid=notification_uuid
    )
    notification_mark_read(notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications")
