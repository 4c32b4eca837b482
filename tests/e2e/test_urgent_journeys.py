"""Urgent things look urgent, and every alarm ends with a person acting and the family told.

Three journeys in Debian Chromium against a live server, as a parent (phone), a pediatrician
(desktop) and a nurse (tablet), with a screenshot of each step under var/screenshots/. Then
every page they visited is checked again at desktop, tablet (820 px) and phone (390 px) sizes:
no horizontal scrolling, and axe-core (vendored, injected with the CSP bypassed for that pass
only) finds no serious or critical WCAG 2.1 A/AA violation."""

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from assessments.engine import RULESET
from assessments.models import Triage, TriageAlert
from clinics.models import Notification, Role
from tests.assessments.test_workflow import EMERGENCY_PATTERN, log
from tests.e2e.test_journeys import shot, sign_in, wait_for
from tests.factories import ClinicFactory, InfantFactory, caregiver_of, staff, totp_device
from tests.workups.factories import AssessmentFactory
from workups.models import (
    CriticalAlert,
    FollowUpKind,
    FollowUpTask,
    OrderedTest,
    Priority,
)
from workups.services import follow_ups_escalate, order_create

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SIZES = {
    "desktop": {"width": 1280, "height": 900},
    "tablet": {"width": 820, "height": 1180},
    "phone": {"width": 390, "height": 844},
}
PHONE, TABLET, DESKTOP = SIZES["phone"], SIZES["tablet"], SIZES["desktop"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REPORT = Path(settings.BASE_DIR) / "var" / "screenshots" / "axe-report.json"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic(postgres):
    clinic = ClinicFactory(
        name="Lakeside Pediatrics",
        time_zone="America/Chicago",
        phone="+1 312 555 0100",
        emergency_number="911",
    )
    doctor = staff(Role.PEDIATRICIAN, clinic=clinic)
    doctor.full_name = "Dr. Maya Chen"
    doctor.save()
    nurse = staff(Role.NURSE, clinic=clinic)
    nurse.full_name = "Sam Rivera"
    nurse.save()
    for user in (doctor, nurse):
        totp_device(user)
    return {"clinic": clinic, "doctor": doctor, "nurse": nurse}


def _parent(infant, phone):
    parent = caregiver_of(infant)
    parent.full_name = f"Jordan {infant.family_name}"
    parent.phone = phone
    parent.save()
    return parent


def _first_on_screen(page, test_id: str) -> bool:
    """The element is the first content under the navigation, and entirely on the first screen."""
    return page.evaluate(
        """(testId) => {
          const el = document.querySelector(`[data-testid="${testId}"]`);
          if (!el) return false;
          const box = el.getBoundingClientRect();
          const nav = document.querySelector("nav.navbar").getBoundingClientRect();
          const others = [...document.querySelectorAll("main h1, main section, main form")]
            .filter((node) => !el.contains(node) && node.getBoundingClientRect().height > 0);
          return box.top <= nav.bottom + 1
            && others.every((node) => node.getBoundingClientRect().top >= box.bottom - 1);
        }""",
        test_id,
    )


def _visible_on_first_screen(locator, viewport) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_an_emergency_is_first_on_the_parents_screen_and_a_stat_call_reaches_the_family(
    browser, live_server, clinic
):
    visited = []
    infant = InfantFactory(
        clinic=clinic["clinic"], given_name="Noah", born_at=timezone.now() - timedelta(days=12)
    )
    parent = _parent(infant, "+1 312 555 0142")
    log(infant, parent, EMERGENCY_PATTERN)  # tasks run eagerly: scored at once
    assert TriageAlert.objects.filter(infant=infant, triage=Triage.EMERGENCY).exists()

    # The parent, on a phone: the red advice with a tap-to-call button comes before anything.
    phone = sign_in(browser, live_server, parent, viewport=PHONE, next_path="/portal/")
    visited.append((parent, "/portal/"))
    advice = phone.get_by_test_id("advice")
    assert advice.get_attribute("data-level") == "emergency"
    assert _first_on_screen(phone, "advice")
    call = phone.get_by_test_id("call-emergency")
    assert call.get_attribute("href") == "tel:911"
    assert _visible_on_first_screen(call, PHONE)
    assert phone.get_by_test_id("call-clinic").get_attribute("href") == "tel:+1 312 555 0100"
    assert advice.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(165, 29, 45)"
    shot(phone, "urgent1-01-parent-emergency-first-on-screen")
    phone.locator("a[href^='/portal/episodes/']").first.click()
    phone.wait_for_load_state("load")
    visited.append((parent, urlsplit(phone.url).path))
    assert _first_on_screen(phone, "advice")
    shot(phone, "urgent1-02-parent-episode-page-emergency")

    # The pediatrician sends the infant to the emergency department; the page says so in red.
    desk = sign_in(browser, live_server, clinic["doctor"])
    visited.append((clinic["doctor"], "/dashboard/"))
    desk.goto(f"{live_server.url}/cases/{infant.uuid}/")
    visited.append((clinic["doctor"], f"/cases/{infant.uuid}/"))
    assert desk.get_by_test_id("patient-banner").is_visible()
    desk.get_by_role("link", name="Refer to neurology").click()
    visited.append((clinic["doctor"], urlsplit(desk.url).path))
    desk.select_option("select[name=urgency]", "emergency")
    desk.fill("textarea[name=reason]", "Clonic jerks with eye deviation at 12 days")
    desk.get_by_role("button", name="Refer to neurology").click()
    desk.wait_for_load_state("load")
    assert urlsplit(desk.url).path == f"/cases/{infant.uuid}/"
    message = desk.locator(".critical-banner", has_text="Emergency")
    assert "stat call to the family" in message.inner_text()
    assert not desk.locator(".alert-success").count()
    shot(desk, "urgent1-03-pediatrician-emergency-referral-in-red")

    # The nurse, on a tablet: the stat call is at the top, in red, with the family's number.
    ward = sign_in(browser, live_server, clinic["nurse"], viewport=TABLET)
    ward.goto(f"{live_server.url}/workups/worklist/")
    visited.append((clinic["nurse"], "/workups/worklist/"))
    top = ward.get_by_test_id("task").first
    assert top.get_attribute("data-priority") == Priority.STAT
    assert "Call the family now" in top.inner_text()
    assert "rgb(165, 29, 45)" in top.evaluate("el => getComputedStyle(el).borderTopColor")
    number = top.get_by_test_id("caregiver-phone")
    assert number.get_attribute("href") == "tel:+1 312 555 0142"
    assert "+1 312 555 0142" in number.inner_text()
    assert "emergency department" in top.get_by_test_id("call-script").inner_text()
    shot(ward, "urgent1-04-nurse-stat-call-on-top")

    # Nobody answers; fifteen minutes later the call comes back to the pediatrician.
    top.get_by_role("button", name="No answer").click()
    ward.wait_for_load_state("load")
    task = FollowUpTask.objects.get(infant=infant, kind=FollowUpKind.CALL_FAMILY_NOW)
    assert task.status == "open"
    assert follow_ups_escalate(now=task.created_at + timedelta(minutes=14)) == []
    assert follow_ups_escalate(now=task.created_at + timedelta(minutes=15)) == [task]
    assert Notification.objects.filter(
        recipient=clinic["doctor"], dedupe_key=f"follow-up:{task.uuid}:escalated"
    ).exists()
    ward.reload()
    assert "escalated to Dr. Maya Chen" in ward.get_by_test_id("task").first.inner_text()
    shot(ward, "urgent1-05-nurse-sees-the-call-escalated")
    desk.goto(f"{live_server.url}/notifications/")
    assert "Not done after 15 min" in desk.content()
    shot(desk, "urgent1-06-pediatrician-told-after-15-minutes")

    # The parent's portal says what was done and who will call.
    phone.goto(f"{live_server.url}/portal/")
    next_steps = phone.get_by_test_id("what-next").first.inner_text()
    assert "will phone you" in next_steps
    assert "emergency department" in phone.get_by_test_id("clinic-referral").inner_text()
    shot(phone, "urgent1-07-parent-told-what-happens-next")

    # The nurse reaches the family.
    ward.get_by_test_id("task").first.locator("input[name=note]").fill("On their way to the ED")
    ward.get_by_test_id("task").first.get_by_role("button", name="Reached").click()
    ward.wait_for_load_state("load")
    task.refresh_from_db()
    assert task.status == "done"
    shot(ward, "urgent1-08-nurse-reached-the-family")
    _check_pages(browser, live_server, visited, "journey1")


def test_the_parent_sees_the_clinicians_override_and_the_tests_ordered(
    browser, live_server, clinic
):
    visited = []
    infant = InfantFactory(
        clinic=clinic["clinic"], given_name="Ava", born_at=timezone.now() - timedelta(days=40)
    )
    parent = _parent(infant, "+1 312 555 0177")
    advice = RULESET["caregiver_advice"][Triage.ROUTINE_VISIT]
    assessment = AssessmentFactory(
        infant=infant,
        triage=Triage.ROUTINE_VISIT,
        leading_cause="physiological_jitteriness",
        result={
            "triage": Triage.ROUTINE_VISIT,
            "leading_cause": "physiological_jitteriness",
            "caregiver_advice": advice,
            "recommended_tests": ["glucose", "total_calcium"],
            "triage_rules": ["R1"],
        },
    )
    infant.current_triage, infant.current_triage_rank = Triage.ROUTINE_VISIT, 1
    infant.caregiver_advice, infant.assessed_at = advice, assessment.created_at
    infant.save()

    phone = sign_in(browser, live_server, parent, viewport=PHONE, next_path="/portal/")
    assert "Book a visit" in phone.get_by_test_id("advice").inner_text()
    shot(phone, "urgent2-01-parent-before-review")

    desk = sign_in(browser, live_server, clinic["doctor"])
    desk.goto(f"{live_server.url}/cases/{infant.uuid}/")
    visited.append((clinic["doctor"], f"/cases/{infant.uuid}/"))
    recommended = desk.get_by_test_id("recommended-tests")
    assert "Plasma glucose (laboratory)" in recommended.inner_text()
    recommended.get_by_role("button", name="Order Total calcium").click()
    desk.wait_for_load_state("load")
    assert urlsplit(desk.url).path == f"/cases/{infant.uuid}/"
    assert "on order" in desk.get_by_test_id("recommended-tests").inner_text()
    shot(desk, "urgent2-02-pediatrician-one-click-order")
    desk.get_by_role("link", name="Review the assessment").click()
    visited.append((clinic["doctor"], urlsplit(desk.url).path))
    desk.check("input[name=decision][value=override]")
    desk.select_option("select[name=triage]", Triage.REASSURE_MONITOR)
    desk.fill("textarea[name=reason]", "Video: fine tremor stopping with restraint; feeding well")
    desk.fill(
        "textarea[name=family_note]",
        "We watched Ava's video. This is normal newborn shaking; no visit is needed.",
    )
    shot(desk, "urgent2-03-pediatrician-overrides")
    desk.get_by_role("button", name="Record review").click()
    desk.wait_for_load_state("load")
    assert urlsplit(desk.url).path == f"/cases/{infant.uuid}/"

    phone.reload()
    advice_box = phone.get_by_test_id("advice")
    assert advice_box.get_attribute("data-level") == Triage.REASSURE_MONITOR
    assert "Book a visit" not in phone.content()
    did = phone.get_by_test_id("clinic-did").inner_text()
    assert "Dr. Maya Chen reviewed" in did
    assert "Reassure and monitor" in did
    assert "no visit is needed" in phone.get_by_test_id("family-note").inner_text()
    assert (
        "Total calcium: ordered, not taken yet" in phone.get_by_test_id("clinic-tests").inner_text()
    )
    shot(phone, "urgent2-04-parent-sees-override-and-tests")
    visited.append((parent, "/portal/"))
    visited.append((parent, "/portal/appointments/"))
    _check_pages(browser, live_server, visited, "journey2")


def test_a_critical_result_is_bannered_sorted_first_and_acknowledged_in_place(
    browser, live_server, clinic
):
    visited = []
    doctor, nurse = clinic["doctor"], clinic["nurse"]
    other = InfantFactory(
        clinic=clinic["clinic"], given_name="Zoe", current_triage="emergency",
        current_triage_rank=3, assessed_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    TriageAlert.objects.create(
        assessment=AssessmentFactory(infant=other, triage="emergency"),
        infant=other,
        triage="emergency",
    )
    infant = InfantFactory(
        clinic=clinic["clinic"], given_name="Lily", born_at=timezone.now() - timedelta(hours=30)
    )
    _parent(infant, "+1 312 555 0190")
    order = order_create(
        infant=infant,
        test=OrderedTest.GLUCOSE_POINT_OF_CARE,
        priority=Priority.STAT,
        ordered_by=doctor,
        reason_text="Jittery and feeding poorly at 30 hours",
    )

    ward = sign_in(browser, live_server, nurse, viewport=TABLET)
    ward.goto(f"{live_server.url}/workups/orders/{order.uuid}/")
    visited.append((nurse, f"/workups/orders/{order.uuid}/"))
    assert ward.get_by_test_id("patient-banner").is_visible()
    ward.fill("input[name=value]", "30")
    ward.select_option("select[name=unit]", "mg/dL")
    ward.get_by_role("button", name="Record the result").click()
    ward.wait_for_load_state("load")
    assert ward.locator(".critical-banner", has_text="Critical result recorded").is_visible()
    shot(ward, "urgent3-01-nurse-records-critical-glucose")
    alert = CriticalAlert.objects.get(infant=infant)

    desk = sign_in(browser, live_server, doctor)
    visited.append((doctor, "/dashboard/"))
    banner = desk.get_by_test_id("global-critical-banner")
    assert banner.is_visible()
    assert "Lily" in banner.inner_text()
    rows = desk.get_by_test_id("dashboard-row")
    assert rows.nth(0).get_attribute("data-infant") == str(infant.uuid)
    assert rows.nth(1).get_attribute("data-infant") == str(other.uuid)
    shot(desk, "urgent3-02-dashboard-critical-first-and-global-banner")

    desk.goto(f"{live_server.url}/cases/{infant.uuid}/")
    visited.append((doctor, f"/cases/{infant.uuid}/"))
    case_banner = desk.get_by_test_id("critical-banner")
    assert case_banner.is_visible()
    assert "30 mg/dL" in case_banner.inner_text()
    assert case_banner.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(165, 29, 45)"
    chart = desk.get_by_test_id("lab-chart").first
    assert "Hours of life" in chart.inner_html()
    assert "Glucose (mg/dL)" in chart.inner_html()
    shot(desk, "urgent3-03-case-page-red-banner-and-lab-plot")
    desk.reload()
    assert desk.get_by_test_id("critical-banner").is_visible(), (
        "the banner stays until acknowledged"
    )
    desk.fill(f"#action-{alert.uuid}", "IV dextrose 2 mL/kg, repeat glucose in 30 minutes")
    desk.get_by_role("button", name="Acknowledge and record action").click()
    desk.wait_for_load_state("load")
    assert urlsplit(desk.url).path == f"/cases/{infant.uuid}/"
    alert.refresh_from_db()
    assert alert.acknowledged_by == doctor
    assert alert.action_taken.startswith("IV dextrose")
    assert not desk.get_by_test_id("critical-banner").count()
    assert not desk.get_by_test_id("global-critical-banner").count()
    assert not Notification.objects.filter(
        dedupe_key__startswith=f"critical-alert:{alert.uuid}", read_at__isnull=True
    ).exists()
    shot(desk, "urgent3-04-acknowledged-banner-gone")
    for path in ("/workups/alerts/", "/workups/orders/", "/workups/referrals/"):
        visited.append((doctor, path))
    visited.append((nurse, "/workups/worklist/"))
    visited.append((doctor, f"/infants/{infant.uuid}/"))
    _check_pages(browser, live_server, visited, "journey3")


def _check_pages(browser, live_server, visited, journey: str) -> None:
    """Every page visited, at every size: no horizontal scroll, no serious or critical axe
    violation. The figures are written to var/screenshots/axe-report.json."""
    pages = list(dict.fromkeys(visited))
    problems, checked = [], 0
    for size, viewport in SIZES.items():
        by_user: dict = {}
        for user, path in pages:
            by_user.setdefault(user, []).append(path)
        for user, paths in by_user.items():
            page = sign_in(browser, live_server, user, viewport=viewport, bypass_csp=True)
            try:
                for path in paths:
                    page.goto(f"{live_server.url}{path}")
                    page.wait_for_load_state("load")
                    checked += 1
                    overflow = page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    if overflow > 0:
                        problems.append(f"{size} {path}: scrolls sideways by {overflow}px")
                    page.add_script_tag(path=str(AXE))
                    result = page.evaluate(
                        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                        AXE_TAGS,
                    )
                    for violation in result["violations"]:
                        if violation["impact"] in ("serious", "critical"):
                            targets = [node["target"] for node in violation["nodes"][:3]]
                            problems.append(
                                f"{size} {path}: {violation['id']} ({violation['impact']}) "
                                f"{violation['help']} at {targets}"
                            )
                    if size != "desktop":
                        safe = path.strip("/").replace("/", "_")[:40] or "home"
                        shot(page, f"{journey}-check-{size}-{safe}")
            finally:
                page.context.close()
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[journey] = {"page_size_checks": checked, "problems": problems}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2))
    assert not problems, "\n".join(problems)


def test_the_portal_emergency_button_is_large_enough_to_tap(browser, live_server, clinic):
    infant = InfantFactory(clinic=clinic["clinic"], given_name="Eli")
    parent = _parent(infant, "+1 312 555 0111")
    log(infant, parent, EMERGENCY_PATTERN)
    wait_for(lambda: TriageAlert.objects.filter(infant=infant).exists(), what="the assessment")
    page = sign_in(browser, live_server, parent, viewport=PHONE, next_path="/portal/")
    box = page.get_by_test_id("call-emergency").bounding_box()
    assert box["height"] >= 48
    assert box["width"] >= 0.8 * (PHONE["width"] - 32)
