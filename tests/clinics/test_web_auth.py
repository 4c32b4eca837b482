import pytest
from django.urls import reverse
from django_otp.oath import totp

from clinics.models import Role
from tests.factories import PASSWORD, sign_in_verified, staff, totp_device

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_local_assets(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "/static/vendor/bootstrap" in html
    # Every stylesheet and script comes from this site, never from another host.
    assert 'src="http' not in html
    assert 'href="http' not in html
    assert "//cdn" not in html
    assert "jsdelivr" not in html
    assert "unpkg" not in html


def test_wrong_password_on_login_page_shows_a_clear_message(client):
    user = staff()
    response = client.post(reverse("login"), {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_staff_signs_in_and_sees_role_aware_navigation(client):
    user = staff(Role.CLINIC_ADMIN)
    device = totp_device(user)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    response = client.post(
        reverse("otp-verify"), {"otp_token": f"{totp(device.bin_key):06d}"}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Clinic admin" in html
    assert reverse("staff-list") in html
    assert reverse("admin:index") not in html


def test_nurse_navigation_has_no_staff_management_link(client):
    sign_in_verified(client, staff(Role.NURSE))
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("patients:infant-list") in html
    assert reverse("staff-list") not in html
    assert reverse("admin:index") not in html


def test_home_requires_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_out_ends_the_session(client):
    sign_in_verified(client, staff())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
