"""A clinic admin manages the clinic's staff from the product's own pages, in Debian Chromium:
invites a nurse by email, the nurse accepts and sets up the second factor, the admin changes the
role and deactivates the membership. Screenshots go to var/screenshots/staff-*.png."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinics.models import Membership, Role
from tests.e2e.test_journeys import DESKTOP, shot, sign_in
from tests.factories import staff, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NURSE_EMAIL = "nina.nurse@northside.example"
NURSE_PASSWORD = "a-long-new-staff-passphrase"


def _code(device) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def test_clinic_admin_invites_a_nurse_who_enrols_then_changes_her_role_and_deactivates_her(
    browser, live_server, postgres
):
    admin = staff(Role.CLINIC_ADMIN)
    admin.full_name = "Alex Admin"
    admin.save()
    totp_device(admin)
    page = sign_in(browser, live_server, admin)

    # The staff page is in the navigation; the Django admin is not.
    page.get_by_role("link", name="Staff").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/clinic/staff/")
    shot(page, "staff-01-list")
    page.fill("input[name=email]", NURSE_EMAIL)
    page.select_option("select[name=role]", Role.NURSE)
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state("load")
    assert "Invitation sent" in page.inner_text("body")
    assert NURSE_EMAIL in page.get_by_test_id("pending-invitations").inner_text()
    shot(page, "staff-02-invitation-sent")

    # The nurse opens the link from her email in her own browser.
    (email,) = [message for message in mail.outbox if NURSE_EMAIL in message.to]
    link = re.search(r"https?://\S+/staff-invitations/\S+/", email.body).group(0)
    nurse_page = browser.new_context(viewport=DESKTOP).new_page()
    nurse_page.goto(live_server.url + urlsplit(link).path)
    shot(nurse_page, "staff-03-nurse-accepts")
    nurse_page.fill("input[name=full_name]", "Nina Nurse")
    nurse_page.fill("input[name=password1]", NURSE_PASSWORD)
    nurse_page.fill("input[name=password2]", NURSE_PASSWORD)
    nurse_page.get_by_role("button", name="Create account").click()
    nurse_page.wait_for_url(lambda url: urlsplit(url).path == "/accounts/second-factor/")
    shot(nurse_page, "staff-04-nurse-sets-up-second-factor")
    device = TOTPDevice.objects.get(user__email=NURSE_EMAIL, confirmed=False)
    nurse_page.fill("input[name=otp_token]", _code(device))
    nurse_page.get_by_role("button", name="Confirm").click()
    nurse_page.get_by_test_id("recovery-codes").wait_for()
    nurse_page.get_by_role("link", name="I have saved them, continue").click()
    nurse_page.wait_for_url(lambda url: urlsplit(url).path == "/dashboard/")
    shot(nurse_page, "staff-05-nurse-dashboard")
    membership = Membership.objects.get(user__email=NURSE_EMAIL)
    assert membership.role == Role.NURSE
    assert membership.clinic == admin.memberships.get().clinic

    # The admin finds her in the list, makes her a pediatrician, then removes her access.
    page.reload()
    page.get_by_role("link", name="Nina Nurse").click()
    page.wait_for_url(lambda url: urlsplit(url).path.startswith("/clinic/staff/"))
    shot(page, "staff-06-member")
    page.select_option("select[name=role]", Role.PEDIATRICIAN)
    page.get_by_role("button", name="Change role").click()
    page.wait_for_load_state("load")
    assert "is now Pediatrician" in page.inner_text("body")
    membership.refresh_from_db()
    assert membership.role == Role.PEDIATRICIAN
    shot(page, "staff-07-role-changed")
    page.get_by_role("button", name="Deactivate membership").click()
    page.wait_for_load_state("load")
    shot(page, "staff-08-confirm-deactivation")
    page.get_by_role("button", name="Yes, deactivate").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/clinic/staff/")
    assert "no longer has access" in page.inner_text("body")
    shot(page, "staff-09-deactivated")
    membership.refresh_from_db()
    assert not membership.is_active

    # Her session ended with the membership.
    nurse_page.reload()
    assert urlsplit(nurse_page.url).path == "/accounts/login/"
    shot(nurse_page, "staff-10-nurse-signed-out")
