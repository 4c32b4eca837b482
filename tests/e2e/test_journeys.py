"""The three journeys of the product, end to end in Debian Chromium against a live server, with
a real Celery worker on Redis doing the background work. Screenshots of the key pages are saved
under var/screenshots/ (CI keeps them as artefacts)."""

import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp

from assessments.models import Triage, TriageAlert
from clinics.models import Role
from episodes.demo import synthetic_clip
from episodes.models import EpisodeVideo
from tests.factories import PASSWORD, InfantFactory, caregiver_of, staff, totp_device
from workups.models import (
    Appointment,
    CriticalAlert,
    FollowUpKind,
    FollowUpStatus,
    FollowUpTask,
    NeurologySlot,
    OrderedTest,
    Priority,
    Referral,
    TestOrder,
)
from workups.services import follow_ups_sweep, order_create

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def wait_for(condition, *, seconds: float = 30, what: str = "the background work"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(browser, live_server, user, *, viewport=DESKTOP, next_path="/", bypass_csp=False):
    """The real sign-in: email and password, then the authenticator code for staff. A page that
    bypasses the CSP is only for injecting checks (axe-core), never for the journeys."""
    page = browser.new_context(viewport=viewport, bypass_csp=bypass_csp).new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if urlsplit(page.url).path.startswith("/accounts/verify/"):
        page.fill("input[name=otp_token]", _unused_code(totp_device(user)))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state("load")
    landed = urlsplit(page.url).path
    assert not landed.startswith("/accounts/"), f"{user.email} was not signed in: at {landed}"
    return page


def _unused_code(device) -> str:
    """An authenticator code the device has not accepted yet. django-otp refuses a code of a time
    step it already accepted (a replay), and a journey signs the same person in several times
    within one 30-second step, so the next step's code is used (within the device's tolerance),
    or the test waits for a fresh step."""
    while True:
        device.refresh_from_db()
        now = int((time.time() - device.t0) // device.step)
        step = max(now + device.drift, device.last_t + 1)
        drift = step - now
        if abs(drift - device.drift) <= device.tolerance:
            code = totp(
                device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift
            )
            return f"{code:0{device.digits}d}"
        time.sleep(1)


@pytest.fixture
def clinic_team(postgres):
    infant = InfantFactory(given_name="Noah", born_at=timezone.now() - timedelta(days=20))
    parent = caregiver_of(infant)
    parent.phone = "+15550142"
    parent.save()
    pediatrician = staff(Role.PEDIATRICIAN, clinic=infant.clinic)
    nurse = staff(Role.NURSE, clinic=infant.clinic)
    for user in (pediatrician, nurse):
        totp_device(user)
    return {"infant": infant, "parent": parent, "pediatrician": pediatrician, "nurse": nurse}


def test_emergency_episode_to_alert_review_order_referral_and_appointment(
    browser, live_server, celery_worker, clinic_team, tmp_path
):
    infant, parent = clinic_team["infant"], clinic_team["parent"]
    doctor = clinic_team["pediatrician"]
    slot = NeurologySlot.objects.create(
        clinic=infant.clinic,
        neurologist_name="Dr. Ada Neuro",
        location="Neurology clinic, room 4",
        starts_at=timezone.now() + timedelta(hours=20),
        length_minutes=45,
    )
    clip = tmp_path / "episode.mp4"
    synthetic_clip(str(clip), seconds=2, size=(160, 120))

    # The parent logs what they saw, on a phone, and sends the video.
    page = sign_in(browser, live_server, parent, viewport=PHONE, next_path="/portal/")
    page.click("text=Log shaking now")
    page.check("input[name=state][value=awake_calm]")
    page.check("input[name=movement_type][value=rhythmic_clonic_jerks]")
    page.check("input[name=stops_with_gentle_restraint][value=no]")
    page.check("input[name=eye_signs][value=deviation]")
    shot(page, "journey1-01-parent-logs-episode")
    page.get_by_role("button", name="Save this episode").click()
    page.wait_for_url(lambda url: urlsplit(url).path.startswith("/portal/episodes/"))
    page.set_input_files("input[type=file]", str(clip))
    page.get_by_role("button", name="Send video").click()
    page.get_by_test_id("video-list").get_by_text("episode.mp4").wait_for(timeout=30_000)
    assert EpisodeVideo.objects.filter(episode__infant=infant).count() == 1

    # The worker scores the episode and alerts the pediatricians.
    wait_for(lambda: TriageAlert.objects.filter(infant=infant).exists(), what="the triage alert")
    infant.refresh_from_db()
    assert infant.current_triage == Triage.EMERGENCY
    page.reload()
    assert "emergency" in page.get_by_test_id("advice").inner_text().lower()
    shot(page, "journey1-02-parent-sees-advice")

    # The pediatrician sees the infant at the top of the dashboard, with the alert.
    desk = sign_in(browser, live_server, doctor)
    assert urlsplit(desk.url).path == "/dashboard/"
    first_row = desk.get_by_test_id("dashboard-row").first
    assert first_row.get_attribute("data-infant") == str(infant.uuid)
    assert first_row.get_by_test_id("open-alert").is_visible()
    assert "Emergency" in first_row.inner_text()
    shot(desk, "journey1-03-dashboard-alert-on-top")

    # Reviews the assessment on the case page.
    first_row.get_by_role("link", name=infant.full_name).click()
    desk.get_by_role("link", name="Review the assessment").click()
    assert "E1" in desk.content()
    assert "E2" in desk.content()
    shot(desk, "journey1-04-assessment-explained")
    desk.check("input[name=decision][value=agree]")
    desk.get_by_role("button", name="Record review").click()
    desk.wait_for_load_state("load")
    assert TriageAlert.objects.get(infant=infant).acknowledged_by == doctor

    # Orders a video-EEG.
    desk.goto(f"{live_server.url}/cases/{infant.uuid}/")
    shot(desk, "journey1-05-case-page")
    desk.get_by_role("link", name="Order tests").click()
    desk.select_option("select[name=test]", OrderedTest.VIDEO_EEG)
    desk.select_option("select[name=priority]", Priority.URGENT)
    desk.fill("input[name=reason_text]", "Clonic jerks with eye deviation; capture an event")
    desk.get_by_role("button", name="Order the test").click()
    desk.wait_for_load_state("load")
    assert TestOrder.objects.filter(infant=infant, test=OrderedTest.VIDEO_EEG).exists()

    # Refers to neurology within a day; the worker books the slot.
    desk.goto(f"{live_server.url}/cases/{infant.uuid}/")
    desk.get_by_role("link", name="Refer to neurology").click()
    desk.select_option("select[name=urgency]", "same_day")
    desk.fill("textarea[name=reason]", "Suspected neonatal seizures; video attached")
    desk.get_by_role("button", name="Refer to neurology").click()
    desk.wait_for_load_state("load")
    wait_for(
        lambda: Appointment.objects.filter(referral__infant=infant, slot=slot).exists(),
        what="the referral booking",
    )
    referral = Referral.objects.get(infant=infant)
    assert referral.status == "booked"
    assert slot.starts_at < referral.deadline
    desk.goto(f"{live_server.url}/workups/referrals/")
    shot(desk, "journey1-06-referral-booked")

    # The parent sees the appointment in the portal.
    page.goto(f"{live_server.url}/portal/appointments/")
    assert "Dr. Ada Neuro" in page.content()
    shot(page, "journey1-07-parent-sees-appointment")


def test_critical_glucose_entered_by_a_nurse_reaches_the_pediatrician_who_acknowledges(
    browser, live_server, celery_worker, clinic_team
):
    infant = InfantFactory(
        clinic=clinic_team["infant"].clinic,
        given_name="Lily",
        born_at=timezone.now() - timedelta(hours=30),
    )
    doctor, nurse = clinic_team["pediatrician"], clinic_team["nurse"]
    order = order_create(
        infant=infant,
        test=OrderedTest.GLUCOSE_POINT_OF_CARE,
        priority=Priority.STAT,
        ordered_by=doctor,
        reason_text="Jittery and feeding poorly at 30 hours",
    )

    ward = sign_in(browser, live_server, nurse)
    ward.goto(f"{live_server.url}/workups/orders/{order.uuid}/")
    ward.fill("input[name=value]", "32")
    ward.select_option("select[name=unit]", "mg/dL")
    ward.get_by_role("button", name="Record the result").click()
    ward.wait_for_load_state("load")
    assert "Critical" in ward.get_by_test_id("result").inner_text()
    shot(ward, "journey2-01-nurse-records-critical-glucose")
    alert = CriticalAlert.objects.get(infant=infant)
    assert alert.recipient == doctor

    desk = sign_in(browser, live_server, doctor)
    assert desk.get_by_test_id("nav-notifications").inner_text().strip() != "Notifications"
    first_row = desk.get_by_test_id("dashboard-row").first
    assert first_row.get_attribute("data-infant") == str(infant.uuid)
    assert first_row.get_by_test_id("critical-result").is_visible()
    shot(desk, "journey2-02-dashboard-critical-result")
    desk.goto(f"{live_server.url}/workups/alerts/")
    shot(desk, "journey2-03-alert-list")
    desk.get_by_role("button", name="Acknowledge").first.click()
    desk.wait_for_load_state("load")
    alert.refresh_from_db()
    assert alert.acknowledged_by == doctor
    assert alert.acknowledged_at is not None
    shot(desk, "journey2-04-acknowledged")


def test_nurse_completes_an_overdue_result_chase_from_the_worklist(
    browser, live_server, clinic_team
):
    doctor, nurse = clinic_team["pediatrician"], clinic_team["nurse"]
    infant = clinic_team["infant"]
    order_create(
        infant=infant,
        test=OrderedTest.IONIZED_CALCIUM,
        priority=Priority.URGENT,
        ordered_by=doctor,
        reason_text="Formula-fed, jittery on day 6",
        now=timezone.now() - timedelta(days=2),
    )
    follow_ups_sweep(now=timezone.now())
    task = FollowUpTask.objects.get(infant=infant, kind=FollowUpKind.CHASE_RESULT)
    assert task.is_overdue

    ward = sign_in(browser, live_server, nurse)
    ward.goto(f"{live_server.url}/workups/worklist/")
    row = ward.get_by_test_id("task").filter(has_text=infant.full_name).first
    assert "overdue" in row.inner_text()
    phone = clinic_team["parent"].phone
    number = row.get_by_test_id("call-script").get_by_test_id("caregiver-phone")
    assert phone in number.inner_text()
    assert number.get_attribute("href") == f"tel:{phone}"
    shot(ward, "journey3-01-worklist")
    row.locator("input[name=note]").fill("Lab says sample lost; recollection booked 14:00")
    row.get_by_role("button", name="Reached").click()
    ward.wait_for_load_state("load")
    task.refresh_from_db()
    assert task.status == FollowUpStatus.DONE
    assert task.outcome_note.startswith("Lab says sample lost")
    shot(ward, "journey3-02-task-done")
