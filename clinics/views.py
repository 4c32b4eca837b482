from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clinics.forms import SignInForm
from clinics.models import Notification
from clinics.services import notification_mark_read


class SignInView(auth_views.LoginView):
    template_name = "clinics/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def notification_list(request):
    notifications = Notification.objects.for_recipient(request.user).order_by("-created_at")[:100]
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
