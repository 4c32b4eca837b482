"""In a real browser: pages run under the CSP with no violation, and a staff member enrols an
authenticator. (An HTML check cannot see a library that evaluates strings or injects styles.)
On PostgreSQL only: flushing after a transactional test meets the audit trail's DELETE trigger
on SQLite."""

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import service_unavailable
from tests.factories import PASSWORD, staff

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium_page(monkeypatch):
    """A page in Debian's Chromium, recording the console's CSP reports."""
    if not os.path.exists(CHROMIUM):
        service_unavailable(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test's ORM calls come from this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                page.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        yield page
        browser.close()


def test_sign_in_and_api_docs_run_under_the_csp(postgres, chromium_page, live_server):
    page = chromium_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in").wait_for()
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
    page.get_by_text("/api/v1/auth/token/").first.wait_for()
    assert not page.csp_violations


def test_staff_enrol_an_authenticator_in_the_browser(postgres, chromium_page, live_server):
    page = chromium_page
    user = staff()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    qr = page.get_by_test_id("otp-qr").locator("svg")
    qr.wait_for()
    assert qr.bounding_box()["width"] >= 150, "the QR code is large enough to scan"
    device = TOTPDevice.objects.get(user=user)
    page.fill("input[name=otp_token]", f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.get_by_role("link", name="I have saved them, continue").click()
    page.get_by_test_id("nav-identity").wait_for()
    assert not page.csp_violations
