"""What people are shown of an assessment: support words, never percentages; each criterion
linked to the episode it came from; current and past red flags apart; open questions. Results of
ruleset 2.0.0 (the agreed shape, ENGINE_2_RESULT) and stored 1.0.0 results with scores."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.explanations import assessment_explanation, support_for_score
from assessments.models import Assessment
from clinics.models import Role
from tests.factories import EpisodeFactory, InfantFactory, sign_in_verified, staff

pytestmark = pytest.mark.django_db

RESULT_2_0_0 = {
    "ruleset": {"version": "2.0.0", "digest": "a" * 64},
    "leading_cause": "neonatal_or_focal_seizure",
    "triage": "emergency",
    "triage_rules": ["E1", "S12"],
    "rules_fired": [
        {
            "id": "E1",
            "level": "emergency",
            "text": "Rhythmic jerking not stopped by gentle restraint while awake",
            "episodes": [0, 2],
        }
    ],
    "differential": [
        {
            "cause": "neonatal_or_focal_seizure",
            "score": 0.82,
            "support": "strong",
            "for": [
                {
                    "id": "seizure.not_stopped_by_restraint_awake",
                    "text": "not stopped by gentle restraint while awake",
                    "episodes": [0],
                },
                {"id": "seizure.neonate", "text": "in the neonatal period", "episodes": []},
            ],
            "against": [
                {"id": "seizure.stops_on_waking", "text": "stopped on waking", "episodes": [1]}
            ],
        },
        {
            "cause": "physiological_jitteriness",
            "score": 0.12,
            "support": "weak",
            "for": [{"id": "jitter.provoked", "text": "set off by handling", "episodes": [1]}],
            "against": [],
        },
        {"cause": "startle_moro", "score": 0.0, "support": "none", "for": [], "against": []},
    ],
    "red_flags": [
        {"id": "eye_deviation", "text": "eye deviation during the event", "episodes": [2]}
    ],
    "red_flags_history": [
        {
            "id": "glucose_low",
            "text": "glucose 35 mg/dL at 30 h",
            "episodes": [],
            "why_history": "an older result; a later glucose was normal",
        }
    ],
    "recommended_tests": ["glucose", "ionized_calcium", "video_eeg"],
    "missing_information": [
        {
            "code": "woken_during_episode",
            "text": "Was the baby woken during an episode? Did the movements stop?",
        }
    ],
    "caregiver_advice": "Call the emergency number now.\nLay your baby on their side.",
}

RESULT_1_0_0 = {
    "ruleset": {"version": "1.0.0", "digest": "b" * 64},
    "leading_cause": "physiological_jitteriness",
    "triage": "routine_visit",
    "triage_rules": [],
    "differential": [
        {
            "cause": "physiological_jitteriness",
            "score": 0.77,
            "for": ["stops when the limb is held"],
            "against": [],
        },
        {"cause": "hypoglycemia", "score": 0.25, "for": ["poor feeding"], "against": []},
        {"cause": "startle_moro", "score": 0.0, "for": [], "against": ["repetitive jerks"]},
    ],
    "red_flags": ["feeding poorly"],
    "recommended_tests": ["glucose"],
    "missing_information": ["What happened just before the episode?"],
    "caregiver_advice": "Keep a log.",
}

PERCENT = re.compile(r"\d\s*%")


@pytest.fixture
def case():
    doctor = staff(Role.PEDIATRICIAN)
    infant = InfantFactory(
        clinic=doctor.memberships.get().clinic, born_at=timezone.now() - timedelta(days=6)
    )
    start = infant.born_at + timedelta(days=3)
    episodes = [
        EpisodeFactory(infant=infant, started_at=start + timedelta(hours=hours))
        for hours in (0, 20, 40)
    ]
    return {"doctor": doctor, "infant": infant, "episodes": episodes}


def _assessment(case, result) -> Assessment:
    input_case = {
        "infant": {"age_days": 6},
        "episodes": [{"id": str(e.uuid)} for e in case["episodes"]],
        "results": [],
    }
    if result["ruleset"]["version"] == "1.0.0":
        input_case["episodes"] = [{} for _ in case["episodes"]]
    return Assessment.objects.create(
        infant=case["infant"],
        trigger="new_episode",
        input_case=input_case,
        result=result,
        ruleset_version=result["ruleset"]["version"],
        ruleset_digest=result["ruleset"]["digest"],
        triage=result["triage"],
        leading_cause=result["leading_cause"],
    )


def _section(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?</section>', html, re.S)
    assert match, f"no {testid} section"
    return match.group(0)


def _episode_url(episode) -> str:
    return reverse("episodes:detail", args=[episode.uuid])


def _pages(client, case, assessment) -> dict[str, str]:
    sign_in_verified(client, case["doctor"])
    infant = case["infant"]
    return {
        "assessment": client.get(
            reverse("assessments:detail", args=[infant.uuid, assessment.uuid])
        ).content.decode(),
        "case": client.get(reverse("dashboard:case", args=[infant.uuid])).content.decode(),
    }


@pytest.mark.parametrize("page", ["assessment", "case"])
def test_pages_show_support_words_and_never_a_percentage(client, case, page):
    html = _pages(client, case, _assessment(case, RESULT_2_0_0))[page]
    differential = re.search(r'data-testid="differential".*?</table>', html, re.S).group(0)
    assert "Strong support" in differential
    assert "Weak support" in differential
    assert "not a probability" in differential
    assert not PERCENT.search(differential)
    assert "0.82" not in html


@pytest.mark.parametrize("page", ["assessment", "case"])
def test_each_criterion_links_to_the_episode_it_came_from_and_no_other(client, case, page):
    first, second, third = case["episodes"]
    html = _pages(client, case, _assessment(case, RESULT_2_0_0))[page]
    differential = re.search(r'data-testid="differential".*?</table>', html, re.S).group(0)
    row = re.search(r'data-cause="neonatal_or_focal_seizure".*?</tr>', differential, re.S).group(0)
    criteria_for, criteria_against = re.findall(r"<td><ul.*?</ul></td>", row, re.S)
    assert _episode_url(first) in criteria_for
    assert "episode 1" in criteria_for
    assert _episode_url(second) not in criteria_for
    assert _episode_url(third) not in criteria_for
    assert "in the neonatal period" in criteria_for, "an infant-level fact names no episode"
    assert _episode_url(second) in criteria_against
    assert "episode 2" in criteria_against
    rules = _section(html, "rules-fired")
    assert _episode_url(first) in rules
    assert _episode_url(third) in rules
    assert _episode_url(second) not in rules


@pytest.mark.parametrize("page", ["assessment", "case"])
def test_current_and_past_red_flags_are_in_separate_labelled_sections(client, case, page):
    third = case["episodes"][2]
    html = _pages(client, case, _assessment(case, RESULT_2_0_0))[page]
    now = _section(html, "red-flags-current")
    past = _section(html, "red-flags-history")
    assert "Red flags now" in now
    assert "eye deviation during the event" in now
    assert _episode_url(third) in now
    assert "glucose 35 mg/dL" not in now
    assert "Past red flags" in past
    assert "glucose 35 mg/dL at 30 h" in past
    assert "a later glucose was normal" in past
    assert "eye deviation" not in past


@pytest.mark.parametrize("page", ["assessment", "case"])
def test_missing_information_is_asked_as_questions(client, case, page):
    html = _pages(client, case, _assessment(case, RESULT_2_0_0))[page]
    questions = _section(html, "open-questions")
    assert "Was the baby woken during an episode? Did the movements stop?" in questions
    assert 'data-code="woken_during_episode"' in questions


@pytest.mark.parametrize("page", ["assessment", "case"])
def test_a_stored_1_0_0_result_gets_a_word_from_its_score_and_an_undated_red_flag_list(
    client, case, page
):
    html = _pages(client, case, _assessment(case, RESULT_1_0_0))[page]
    differential = re.search(r'data-testid="differential".*?</table>', html, re.S).group(0)
    assert "Strong support" in differential
    assert not PERCENT.search(differential)
    assert "0.77" not in html
    undated = _section(html, "red-flags-undated")
    assert "feeding poorly" in undated
    assert "does not separate current from past" in undated
    assert 'data-testid="red-flags-history"' not in html
    assert "What happened just before the episode?" in _section(html, "open-questions")


@pytest.mark.parametrize(
    ("score", "word"),
    [(None, "none"), (0.0, "none"), (0.05, "weak"), (0.29, "weak"), (0.3, "moderate"),
     (0.59, "moderate"), (0.6, "strong"), (1.0, "strong")],
)  # fmt: skip
def test_a_1_0_0_score_reads_as_a_support_word(score, word):
    assert support_for_score(score) == word


def test_the_api_gives_the_explanation_with_episode_ids_and_words(token_client, case):
    assessment = _assessment(case, RESULT_2_0_0)
    first, second, third = case["episodes"]
    response = token_client(case["doctor"]).get(
        reverse("api:assessment-detail", kwargs={"assessment_uuid": assessment.uuid})
    )
    assert response.status_code == 200
    explanation = response.json()["explanation"]
    seizure = explanation["differential"][0]
    assert seizure["support"] == "strong"
    assert "score" not in seizure
    assert seizure["for"][0]["episodes"] == [{"id": str(first.uuid), "number": 1}]
    assert seizure["against"][0]["episodes"] == [{"id": str(second.uuid), "number": 2}]
    assert explanation["red_flags"][0]["episodes"] == [{"id": str(third.uuid), "number": 3}]
    assert explanation["red_flags_history"][0]["why_history"]
    assert explanation["missing_information"][0]["code"] == "woken_during_episode"
    assert "percent" not in json.dumps(explanation)


def test_the_api_list_explains_every_assessment_with_a_fixed_number_of_queries(
    token_client, case, django_assert_max_num_queries
):
    for _ in range(5):
        _assessment(case, RESULT_2_0_0)
    client = token_client(case["doctor"])
    url = reverse("api:infant-assessments", kwargs={"infant_uuid": case["infant"].uuid})
    client.get(url)
    with django_assert_max_num_queries(12):
        rows = client.get(url).json()
    assert [row["explanation"]["differential"][0]["support"] for row in rows] == ["strong"] * 5


def test_fhir_risk_assessment_carries_support_words_and_no_probability(client, case):
    assessment = _assessment(case, RESULT_2_0_0)
    sign_in_verified(client, case["doctor"])
    bundle = client.get(
        reverse("fhir:patient-everything", kwargs={"infant_uuid": case["infant"].uuid}),
        HTTP_ACCEPT="application/fhir+json",
    ).json()
    [risk] = [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "RiskAssessment"
    ]
    assert risk["method"]["coding"][0]["code"] == assessment.ruleset_version
    for prediction in risk["prediction"]:
        assert "probabilityDecimal" not in prediction
    seizure = risk["prediction"][0]
    assert seizure["qualitativeRisk"]["coding"][0]["code"] == "strong"
    assert "not stopped by gentle restraint while awake (episode 1)" in seizure["rationale"]
    notes = " ".join(note["text"] for note in risk["note"])
    assert "Red flag now: eye deviation during the event (episode 3)" in notes
    assert "Past red flag (history): glucose 35 mg/dL at 30 h" in notes
    triage = [e for e in risk["extension"] if e["url"].endswith("/triage")]
    assert triage[0]["valueCodeableConcept"]["coding"][0]["code"] == "emergency"


def test_an_episode_index_beyond_the_case_is_dropped_not_misattributed(case):
    result = json.loads(json.dumps(RESULT_2_0_0))
    result["red_flags"][0]["episodes"] = [7]
    explanation = assessment_explanation(_assessment(case, result))
    assert explanation.red_flags_current[0].episodes == []
