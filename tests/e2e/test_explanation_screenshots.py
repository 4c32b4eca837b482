"""The case and assessment pages as a pediatrician sees them, in Chromium: support words, each
criterion linked to its episode, current and past red flags apart. Screenshots are saved under
var/screenshots/ (explanation-case.png, explanation-assessment.png)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import AssessmentTrigger
from assessments.services import assessment_run
from clinics.models import Role
from episodes.services import episode_log
from tests.e2e.test_journeys import DESKTOP, shot, sign_in
from tests.factories import InfantFactory, caregiver_of, staff, totp_device
from workups.models import OrderedTest
from workups.services import order_create, result_record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assessed_case(postgres):
    infant = InfantFactory(
        given_name="Mila",
        family_name="Brandt",
        born_at=timezone.now() - timedelta(days=9),
        feeding="formula",
        neuro_exam=["normal"],
    )
    parent = caregiver_of(infant)
    doctor = staff(Role.PEDIATRICIAN, clinic=infant.clinic)
    totp_device(doctor)
    order = order_create(
        infant=infant,
        test=OrderedTest.GLUCOSE_PLASMA,
        priority="urgent",
        ordered_by=doctor,
        reason_text="Jittery on day 2",
    )
    result_record(
        order=order,
        recorded_by=doctor,
        collected_at=infant.born_at + timedelta(hours=30),
        value=36,
        unit="mg/dL",
    )
    now = timezone.now()
    episode_log(
        infant=infant,
        reported_by=parent,
        started_at=now - timedelta(days=2),
        state="awake_crying_or_handled",
        trigger="handling_or_touch",
        movement_type="fine_tremor",
        stops_with_gentle_restraint="yes",
        eye_signs="none",
        consciousness="alert",
    )
    episode_log(
        infant=infant,
        reported_by=parent,
        started_at=now - timedelta(hours=5),
        state="awake_calm",
        trigger="none",
        movement_type="rhythmic_clonic_jerks",
        stops_with_gentle_restraint="no",
        eye_signs="deviation",
        symmetry="unilateral",
        distribution="one_side_arm_leg",
        associated=["poor_feeding"],
    )
    assessment = assessment_run(infant=infant, trigger=AssessmentTrigger.NEW_EPISODE)
    return {"infant": infant, "doctor": doctor, "assessment": assessment}


def test_case_and_assessment_pages_explain_without_percentages(browser, live_server, assessed_case):
    infant, assessment = assessed_case["infant"], assessed_case["assessment"]
    page = sign_in(browser, live_server, assessed_case["doctor"], viewport=DESKTOP)
    for name, path in (
        ("explanation-case", f"/cases/{infant.uuid}/"),
        ("explanation-assessment", f"/infants/{infant.uuid}/assessments/{assessment.uuid}/"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        support = page.locator("[data-testid=differential]").first.locator("td .support")
        words = support.all_inner_texts()
        assert words
        assert set(words) <= {
            "Strong support",
            "Moderate support",
            "Weak support",
            "Not supported",
        }, words
        assert not any(re.search(r"\d", word) for word in words), "a word, never a number"
        assert page.locator("[data-testid=open-questions]").first.is_visible()
        shot(page, name)
