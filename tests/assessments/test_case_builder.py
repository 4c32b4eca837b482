"""The case builder turns stored records into the engine's contract 2 (and contract 1 for
ruleset 1.0.0), keeping each episode's id in the order of the case's episodes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.cases import build_case, case_as_contract_1, case_episode_uuids
from assessments.engine import score
from tests.factories import EpisodeFactory, InfantFactory, UserFactory
from workups.models import OrderedTest
from workups.services import order_create, result_record

pytestmark = pytest.mark.django_db


def _full_infant():
    born = timezone.now() - timedelta(days=4)
    return InfantFactory(
        born_at=born,
        maternal_drug_exposure=["methadone_or_buprenorphine"],
        size_for_gestational_age="sga",
        skin_signs=["hypomelanotic_macules"],
        head="normal",
        fontanelle="bulging",
        neuro_exam=["hypotonia", "focal_deficit"],
        family_history=["tuberous_sclerosis", "consanguinity"],
        medications=[
            {
                "drug": "phenobarbital",
                "given_at": (born + timedelta(hours=30)).isoformat(),
                "response": "no_change",
            }
        ],
    )


def test_the_infant_section_is_contract_2():
    infant = _full_infant()
    section = build_case(infant)["infant"]
    assert section["maternal_drug_exposure"] == ["methadone_or_buprenorphine"]
    assert section["size_for_gestational_age"] == "sga"
    assert section["skin_signs"] == ["hypomelanotic_macules"]
    assert (section["head"], section["fontanelle"]) == ("normal", "bulging")
    assert section["neuro_exam"] == ["hypotonia", "focal_deficit"]
    assert section["family_history"] == ["tuberous_sclerosis", "consanguinity"]
    assert section["medications"] == [
        {"drug": "phenobarbital", "age_hours": 30.0, "response": "no_change"}
    ]


def test_unknown_infant_facts_stay_unknown():
    section = build_case(InfantFactory())["infant"]
    assert section["size_for_gestational_age"] is None
    assert section["head"] is None
    assert section["fontanelle"] is None
    assert section["neuro_exam"] == ["not_done"], "no examination is 'not done', never normal"
    assert section["maternal_drug_exposure"] == []
    assert section["medications"] == []


def test_each_episode_carries_its_age_in_hours_from_its_start_and_the_birth_time():
    infant = InfantFactory(born_at=timezone.now() - timedelta(hours=100))
    later = EpisodeFactory(infant=infant, started_at=infant.born_at + timedelta(hours=90.5))
    earlier = EpisodeFactory(
        infant=infant,
        started_at=infant.born_at + timedelta(hours=26.25),
        temperature_c="38.3",
        associated=["high_pitched_cry"],
    )
    case = build_case(infant)
    assert [e["age_hours"] for e in case["episodes"]] == [26.25, 90.5]
    assert case_episode_uuids(case) == [str(earlier.uuid), str(later.uuid)], (
        "the ids follow the order of case['episodes'], oldest first"
    )
    first = case["episodes"][0]
    assert first["temperature_c"] == 38.3
    assert first["associated"] == ["high_pitched_cry"]
    assert first["clinician_reviewed"] is False


def test_a_rated_video_reaches_the_engine_as_clinician_reviewed():
    episode = EpisodeFactory(
        oscillation="fast_slow", clinician_reviewed=True, reviewed_at=timezone.now()
    )
    [section] = build_case(episode.infant)["episodes"]
    assert section["clinician_reviewed"] is True
    assert section["oscillation"] == "fast_slow"


def test_results_carry_their_age_and_a_recordings_captured_event_types():
    infant = InfantFactory(born_at=timezone.now() - timedelta(hours=50))
    clinician = UserFactory()
    order = order_create(
        infant=infant,
        test=OrderedTest.VIDEO_EEG,
        priority="urgent",
        ordered_by=clinician,
        reason_text="Rhythmic jerks",
    )
    result_record(
        order=order,
        recorded_by=clinician,
        collected_at=infant.born_at + timedelta(hours=48),
        study_interpretation="electrographic_seizures",
        captured_typical_event=True,
        captured_event_types=["rhythmic_clonic_jerks", "oral_automatisms"],
    )
    [result] = build_case(infant)["results"]
    assert result["test"] == "video_eeg"
    assert result["interpretation"] == "electrographic_seizures"
    assert result["captured_event_types"] == ["rhythmic_clonic_jerks", "oral_automatisms"]
    assert result["age_hours"] == pytest.approx(48, abs=0.01)


def test_ruleset_1_reads_a_contract_2_case_narrowed_to_its_own_vocabulary():
    infant = _full_infant()
    EpisodeFactory(
        infant=infant,
        movement_type="pedalling_or_boxing",
        associated=["jaundice", "poor_feeding"],
        temperature_c="36.1",
    )
    at = timezone.now()
    case = build_case(infant, at=at, ruleset="1.0.0")
    assert case == case_as_contract_1(build_case(infant, at=at))
    assert case["infant"]["neuro_exam"] == "focal_deficit"
    assert case["infant"]["maternal_drug_exposure"] is True
    assert case["infant"]["size_for_gestational_age"] == "small"
    assert case["infant"]["family_history"] == ["other"]
    assert case["episodes"][0]["movement_type"] == "unspecified_jerking"
    assert case["episodes"][0]["associated"] == ["poor_feeding"]
    assert "temperature_c" not in case["episodes"][0]
    score(case)  # ruleset 1.0.0 accepts it


@pytest.mark.parametrize(
    ("findings", "single"),
    [
        ([], "not_done"),
        (["normal"], "normal"),
        (["hypertonia"], "abnormal_tone"),
        (["exaggerated_nose_tap_startle", "hypotonia"], "abnormal_tone"),
        (["abnormal_other", "focal_deficit"], "focal_deficit"),
    ],
)
def test_a_list_of_findings_narrows_to_the_most_specific_single_value(findings, single):
    infant = InfantFactory(neuro_exam=findings)
    assert build_case(infant, ruleset="1.0.0")["infant"]["neuro_exam"] == single
