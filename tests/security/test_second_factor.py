"""Staff sign in with a password and a second factor (TOTP or a single-use recovery code)."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from clinics.models import AuditEvent, Role
from clinics.services import recovery_codes_issue
from tests.factories import PASSWORD, UserFactory, sign_in_verified, staff, totp_device

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def sign_in_with_password(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def test_staff_password_alone_reaches_no_staff_page(client):
    user = staff()
    response = sign_in_with_password(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-setup"))
    for name in ("home", "notifications", "account-security", "admin:index"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("otp-setup")), name


def test_staff_enrols_an_authenticator_and_gets_ten_single_use_recovery_codes(client):
    user = staff(Role.NURSE)
    sign_in_with_password(client, user)
    page = client.get(reverse("otp-setup"))
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in html
    assert 'data-testid="otp-qr"' in html
    secret = html.split('data-testid="otp-secret">')[1].split("<")[0].replace(" ", "")
    assert secret, "the key is shown for typing in by hand"

    wrong = client.post(reverse("otp-setup"), {"otp_token": "000000"})
    assert "not valid" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    response = client.post(reverse("otp-setup"), {"otp_token": current_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert len(codes) == 10
    html = response.content.decode()
    assert all(code in html for code in codes), "the recovery codes are shown at enrolment"
    assert client.get(reverse("notifications")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, resource="second_factor").exists()


def test_enrolled_staff_enter_a_code_after_the_password_on_every_sign_in(client):
    user = staff()
    device = totp_device(user)
    response = sign_in_with_password(client, user)
    assert response["Location"].startswith(reverse("otp-verify"))
    assert client.get(reverse("notifications"))["Location"].startswith(reverse("otp-verify"))

    wrong = client.post(reverse("otp-verify"), {"otp_token": "123456"})
    assert wrong.status_code == 200
    assert "not valid" in wrong.content.decode()
    assert client.get(reverse("notifications")).status_code == 302
    device.throttle_reset()

    response = client.post(
        reverse("otp-verify"), {"otp_token": current_code(device), "next": reverse("notifications")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")
    assert client.get(reverse("notifications")).status_code == 200


def test_verification_gives_the_session_a_new_key(client):
    user = staff()
    device = totp_device(user)
    sign_in_with_password(client, user)
    before = client.session.session_key
    client.post(reverse("otp-verify"), {"otp_token": current_code(device)})
    assert client.session.session_key != before


def test_a_recovery_code_signs_in_once(client):
    user = staff()
    totp_device(user)
    code = recovery_codes_issue(user=user)[0]
    sign_in_with_password(client, user)
    client.post(reverse("otp-verify"), {"otp_token": code.upper()})
    assert client.get(reverse("notifications")).status_code == 200
    client.post(reverse("logout"))

    sign_in_with_password(client, user)
    response = client.post(reverse("otp-verify"), {"otp_token": code})
    assert "not valid" in response.content.decode()
    assert client.get(reverse("notifications")).status_code == 302


def test_a_password_alone_cannot_enrol_a_second_authenticator(client):
    user = staff()
    totp_device(user)
    sign_in_with_password(client, user)
    response = client.get(reverse("otp-setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-verify"))
    client.post(reverse("otp-setup"), {"otp_token": "123456"})
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_caregivers_sign_in_with_a_password_alone(client):
    caregiver = UserFactory()
    response = sign_in_with_password(client, caregiver)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("notifications")).status_code == 200


def test_superusers_need_a_second_factor_too(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("otp-setup"))
    sign_in_verified(client, admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_has_no_sign_in_page_of_its_own(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unverified_staff_session_cannot_use_the_api(client):
    user = staff()
    client.force_login(user)
    assert client.get(reverse("api:me")).status_code in (401, 403)
    sign_in_verified(client, user)
    assert client.get(reverse("api:me")).status_code == 200


def test_caregiver_session_reaches_the_api(client):
    client.force_login(UserFactory())
    assert client.get(reverse("api:me")).status_code == 200


def test_enrolled_staff_send_a_code_to_obtain_an_api_token():
    user = staff()
    device = totp_device(user)
    url = reverse("api:auth-token")
    api = APIClient()

    missing = api.post(url, {"email": user.email, "password": PASSWORD}, format="json")
    assert missing.status_code == 400
    assert "otp" in missing.json()

    wrong = api.post(url, {"email": user.email, "password": PASSWORD, "otp": "000000"})
    assert wrong.status_code == 400
    assert "otp" in wrong.json()
    device.throttle_reset()

    ok = api.post(url, {"email": user.email, "password": PASSWORD, "otp": current_code(device)})
    assert ok.status_code == 201
    assert ok.json()["token"]


def test_a_recovery_code_obtains_an_api_token_once():
    user = staff()
    totp_device(user)
    code = recovery_codes_issue(user=user)[0]
    url = reverse("api:auth-token")
    body = {"email": user.email, "password": PASSWORD, "otp": code}
    assert APIClient().post(url, body, format="json").status_code == 201
    assert APIClient().post(url, body, format="json").status_code == 400


def test_verified_client_fixture_gives_a_verified_staff_session(verified_client):
    client = verified_client(staff())
    assert client.get(reverse("notifications")).status_code == 200
