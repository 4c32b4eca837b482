import pytest
from django.urls import reverse

from clinics.models import Role
from tests.factories import PASSWORD, staff

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_local_assets(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "/static/vendor/bootstrap" in html
    assert "cdn" not in html.lower()


def test_wrong_password_on_login_page_shows_a_clear_message(client):
    user = staff()
    response = client.post(reverse("login"), {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_staff_signs_in_and_sees_role_aware_navigation(client):
    user = staff(Role.CLINIC_ADMIN)
    response = client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Clinic admin" in html
    assert reverse("admin:index") in html


def test_nurse_navigation_has_no_administration_link(client):
    client.force_login(staff(Role.NURSE))
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("patients:infant-list") in html
    assert reverse("admin:index") not in html


def test_home_requires_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_out_ends_the_session(client):
    client.force_login(staff())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_clinic_admin_sees_only_own_clinic_in_admin(client):
    admin_user = staff(Role.CLINIC_ADMIN)
    other = staff(Role.NURSE)
    client.force_login(admin_user)
    response = client.get(reverse("admin:clinics_membership_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(admin_user) in html
    assert str(other) not in html
