"""What a family sees in the portal: the current advice first, styled by its level, what
happens next, and what the clinic did, in the clinic's time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.advice import advice_for_level, advice_from_result
from assessments.engine import RULESET
from assessments.models import ReviewDecision, Triage
from assessments.services import assessment_review
from clinics.models import Role
from tests.factories import (
    ClinicFactory,
    EpisodeFactory,
    InfantFactory,
    caregiver_of,
    sign_in_verified,
    staff,
)
from tests.workups.factories import AssessmentFactory, SlotFactory
from workups.models import OrderedTest, Priority, ReferralUrgency
from workups.services import order_create, referral_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_doc():
    return lambda clinic: staff(Role.PEDIATRICIAN, clinic)


STRUCTURED = {
    "ruleset": {"version": "2.0.0", "digest": "0" * 64},
    "triage": "emergency",
    "caregiver_advice": "joined",
    "advice": {
        "level": "emergency",
        "headline": {"code": "emergency.headline", "text": "Call the emergency number now."},
        "steps": [{"code": "emergency.step.side", "text": "Lay your baby on their side."}],
        "emergency_signs": [{"code": "sign.stops_breathing", "text": "Stops breathing"}],
        "what_next": {"code": "next.emergency", "text": "The clinic will phone you."},
    },
}


def _family(triage=Triage.EMERGENCY, result=None, **clinic):
    clinic = ClinicFactory(
        time_zone="America/Chicago", phone="+13125550100", emergency_number="911", **clinic
    )
    infant = InfantFactory(clinic=clinic, given_name="Ava")
    parent = caregiver_of(infant)
    result = result or {"triage": triage, "caregiver_advice": RULESET["caregiver_advice"][triage]}
    assessment = AssessmentFactory(infant=infant, triage=triage, result=result)
    return infant, parent, assessment


def _portal(client, parent):
    sign_in_verified(client, parent)
    return client.get(reverse("portal:home")).content.decode()


def test_structured_advice_and_plain_advice_read_the_same_way():
    advice = advice_from_result(STRUCTURED)
    assert advice.is_emergency
    assert advice.headline.text == "Call the emergency number now."
    assert [s.code for s in advice.steps] == ["emergency.step.side"]
    assert advice.what_next.text == "The clinic will phone you."
    plain = advice_from_result(
        {"triage": "emergency", "caregiver_advice": RULESET["caregiver_advice"]["emergency"]}
    )
    assert plain.headline.text.startswith("Call emergency services")
    assert plain.steps
    assert plain.emergency_signs
    assert advice_from_result({"triage": "same_day"}) is None


def test_an_emergency_is_the_first_thing_on_the_page_in_red_with_tap_to_call(client):
    _, parent, _ = _family(result=STRUCTURED)
    html = _portal(client, parent)
    top = html.index('class="emergency-advice"')
    assert top < html.index("<main")
    assert 'href="tel:911"' in html[top:]
    assert 'href="tel:+13125550100"' in html[top:]
    assert html.index('href="tel:911"') < html.index("<main")
    assert "Lay your baby on their side." in html
    assert "The clinic will phone you." in html


def test_after_an_override_to_reassure_the_family_sees_reassurance_and_the_note(client, team_doc):
    infant, parent, assessment = _family(triage=Triage.ROUTINE_VISIT)
    assessment_review(
        assessment=assessment,
        reviewer=team_doc(infant.clinic),
        decision=ReviewDecision.OVERRIDE,
        triage=Triage.REASSURE_MONITOR,
        reason="Classic jitteriness on the video; glucose normal",
        family_note="The video shows normal newborn jitters. No visit is needed.",
    )
    html = _portal(client, parent)
    reassure = advice_for_level(Triage.REASSURE_MONITOR)
    assert escape(reassure.headline.text) in html
    assert "Book a visit" not in html
    assert "changed it to: Reassure and monitor" in html
    assert "The video shows normal newborn jitters. No visit is needed." in html
    infant.refresh_from_db()
    assert "Book a visit" not in infant.caregiver_advice


def test_the_family_sees_the_tests_ordered_and_their_status(client, team_doc):
    infant, parent, assessment = _family(triage=Triage.SAME_DAY)
    order_create(
        infant=infant,
        test=OrderedTest.IONIZED_CALCIUM,
        priority=Priority.URGENT,
        ordered_by=team_doc(infant.clinic),
        assessment=assessment,
    )
    html = _portal(client, parent)
    assert "Ionized calcium: ordered, not taken yet" in html


def test_an_emergency_referral_tells_the_family_a_nurse_will_phone_in_clinic_time(client, team_doc):
    infant, parent, _ = _family()
    now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 14:00 in Chicago
    referral_create(
        infant=infant,
        created_by=team_doc(infant.clinic),
        reason="Seizure",
        urgency=ReferralUrgency.EMERGENCY,
        now=now,
    )
    html = _portal(client, parent)
    assert "sent Ava to the emergency department on Tue 1 Dec 2026, 14:00" in html
    assert "will phone you in the next few minutes (by Tue 1 Dec 2026, 14:15)" in html


def test_a_booked_appointment_is_what_happens_next(
    client, team_doc, django_capture_on_commit_callbacks
):
    infant, parent, _ = _family(triage=Triage.SAME_DAY)
    SlotFactory(
        clinic=infant.clinic,
        starts_at=timezone.now() + timedelta(hours=5),
        location="Room 9",
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral_create(
            infant=infant, created_by=team_doc(infant.clinic), reason="x",
            urgency=ReferralUrgency.SAME_DAY,
        )  # fmt: skip
    html = _portal(client, parent)
    assert "Neurology appointment booked" in html
    assert "at Room 9" in html


def test_the_episode_page_shows_the_current_advice_at_the_top(client):
    infant, parent, _ = _family(triage=Triage.SAME_DAY)
    episode = EpisodeFactory(infant=infant)
    sign_in_verified(client, parent)
    html = client.get(reverse("portal:episode", kwargs={"episode_uuid": episode.uuid})).content
    html = html.decode()
    assert 'data-level="same_day"' in html
    assert html.index('data-testid="advice"') < html.index("Videos")


def test_the_emergency_signs_follow_their_introduction_in_the_advice(client):
    """Ruleset 2.0.0 ends a non-emergency level's steps with "Call ... now if your baby:"; the
    signs it introduces are listed under it, never left hanging after the colon."""
    result = {
        "ruleset": {"version": "2.0.0", "digest": "0" * 64},
        "triage": "routine_visit",
        "caregiver_advice": "joined",
        "advice": {
            "level": "routine_visit",
            "headline": {"code": "routine_visit.headline", "text": "Book a routine visit."},
            "steps": [
                {"code": "routine_visit.step.log", "text": "Keep logging each episode."},
                {"code": "signs.intro", "text": "Call the emergency number now if your baby:"},
            ],
            "emergency_signs": [
                {"code": "sign.stops_breathing", "text": "Stops breathing"},
                {"code": "sign.cannot_wake", "text": "Cannot be woken"},
            ],
            "what_next": {"code": "next.routine_visit", "text": "The clinic will call you."},
        },
    }
    _, parent, _ = _family(triage=Triage.ROUTINE_VISIT, result=result)
    html = _portal(client, parent)
    intro = html.index('data-code="signs.intro"')
    signs = html.index('data-testid="advice-emergency-signs"')
    assert intro < signs < html.index('data-code="sign.stops_breathing"')
    assert html.index('data-code="sign.cannot_wake"') < html.index("</section>", intro)
