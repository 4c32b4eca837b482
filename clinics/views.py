from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clinics.forms import SignInForm
from clinics.selectors import membership_for


class SignInView(auth_views.LoginView):
    template_name = "clinics/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def home(request):
    membership = membership_for(request.user)
    return render(request, "clinics/home.html", {"membership": membership})
