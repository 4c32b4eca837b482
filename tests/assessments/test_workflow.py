"""From a logged episode to a stored, explained assessment, alerts and advice."""

import time
from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.advice import advice_from_result
from assessments.engine import load_ruleset, score
from assessments.models import Assessment, AssessmentTrigger, Triage, TriageAlert
from assessments.services import assessment_review
from assessments.tasks import assess_infant_task, assessments_sweep_task
from clinics.models import Notification, NotificationKind, Role
from episodes.services import episode_log
from patients.models import AssessmentRequest, MilestoneStatus
from patients.services import milestone_record
from tests.factories import InfantFactory, caregiver_of, sign_in_verified, staff

EMERGENCY_PATTERN = {
    # Rhythmic jerking that holding does not stop while awake (E1), eyes deviating (E2).
    "state": "awake_calm",
    "trigger": "none",
    "movement_type": "rhythmic_clonic_jerks",
    "stops_with_gentle_restraint": "no",
    "eye_signs": "deviation",
    "symmetry": "unilateral",
    "distribution": "one_side_arm_leg",
}
BENIGN_PATTERN = {
    "state": "awake_crying_or_handled",
    "trigger": "crying_or_hunger",
    "movement_type": "fine_tremor",
    "stops_with_gentle_restraint": "yes",
}


@pytest.fixture
def family(db):
    infant = InfantFactory(born_at=timezone.now() - timedelta(days=40))
    parent = caregiver_of(infant)
    doctor = staff(Role.PEDIATRICIAN, clinic=infant.clinic)
    other_doctor = staff(Role.PEDIATRICIAN, clinic=infant.clinic)
    nurse = staff(Role.NURSE, clinic=infant.clinic)
    return {
        "infant": infant,
        "parent": parent,
        "doctor": doctor,
        "other_doctor": other_doctor,
        "nurse": nurse,
    }


def log(infant, parent, pattern, **extra):
    return episode_log(
        infant=infant,
        reported_by=parent,
        started_at=timezone.now() - timedelta(minutes=30),
        **{**pattern, **extra},
    )


def test_logging_an_episode_stores_an_assessment_after_commit(
    family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        episode = log(family["infant"], family["parent"], BENIGN_PATTERN)
    assert not Assessment.objects.exists(), "nothing is scored before the episode is committed"
    assert AssessmentRequest.objects.filter(infant=family["infant"]).exists()
    for callback in callbacks:
        callback()
    assessment = Assessment.objects.get(infant=family["infant"])
    assert assessment.trigger == AssessmentTrigger.NEW_EPISODE
    assert assessment.ruleset_version == "2.0.0", "new assessments use ruleset 2.0.0"
    assert assessment.ruleset_digest == load_ruleset("2.0.0").digest
    assert assessment.input_case["episodes"][0]["movement_type"] == episode.movement_type
    assert not AssessmentRequest.objects.exists()


def test_a_stored_assessment_reproduces_from_its_input(family, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log(family["infant"], family["parent"], EMERGENCY_PATTERN)
    assessment = Assessment.objects.get()
    assert score(assessment.input_case, ruleset=assessment.ruleset_version) == assessment.result


def test_unanswered_questions_reach_the_engine_as_unknown(
    family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log(family["infant"], family["parent"], {"movement_type": "unspecified_jerking"})
    episode_case = Assessment.objects.get().input_case["episodes"][0]
    assert episode_case["state"] is None
    assert episode_case["stops_with_gentle_restraint"] is None
    assert Assessment.objects.get().result["missing_information"], "unknowns become questions"


def test_emergency_pattern_alerts_pediatricians_and_advises_caregivers(
    family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log(family["infant"], family["parent"], EMERGENCY_PATTERN)
    assessment = Assessment.objects.get()
    assert assessment.triage == Triage.EMERGENCY
    assert {"E1", "E2"} <= set(assessment.triage_rules)
    alert = TriageAlert.objects.get()
    assert alert.assessment == assessment
    assert alert.acknowledged_at is None
    alerted = set(
        Notification.objects.filter(kind=NotificationKind.TRIAGE_ALERT).values_list(
            "recipient", flat=True
        )
    )
    assert alerted == {family["doctor"].pk, family["other_doctor"].pk}
    advice = Notification.objects.get(kind=NotificationKind.ADVICE)
    assert advice.recipient == family["parent"]
    assert advice.body == assessment.caregiver_advice
    family["infant"].refresh_from_db()
    assert family["infant"].current_triage == Triage.EMERGENCY


def test_caregiver_sees_the_advice_in_the_portal_at_once(
    client, family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        episode = log(family["infant"], family["parent"], EMERGENCY_PATTERN)
    sign_in_verified(client, family["parent"])
    advice = advice_from_result(Assessment.objects.get().result)
    assert advice.is_emergency
    assert advice.headline.text
    lines = [advice.headline.text, *(step.text for step in advice.steps)]
    home = client.get(reverse("portal:home")).content.decode()
    page = client.get(reverse("portal:episode", kwargs={"episode_uuid": episode.uuid}))
    for line in lines:
        assert escape(line) in home
        assert escape(line) in page.content.decode()


def test_no_new_alert_while_triage_stays_the_same(family, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log(family["infant"], family["parent"], EMERGENCY_PATTERN)
    with django_capture_on_commit_callbacks(execute=True):
        log(family["infant"], family["parent"], EMERGENCY_PATTERN)
    assert Assessment.objects.count() == 2
    assert TriageAlert.objects.count() == 1


def test_benign_pattern_raises_no_alert(family, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log(family["infant"], family["parent"], BENIGN_PATTERN)
    assert Triage.rank(Assessment.objects.get().triage) < Triage.rank(Triage.SAME_DAY)
    assert not TriageAlert.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.TRIAGE_ALERT).exists()


def test_a_lost_message_is_recovered_by_the_sweep(family, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        log(family["infant"], family["parent"], EMERGENCY_PATTERN)
    assert assessments_sweep_task() == 0, "a fresh request is left to its own message"
    AssessmentRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=5))
    assert assessments_sweep_task() == 1
    assert Assessment.objects.filter(infant=family["infant"]).count() == 1
    assert not AssessmentRequest.objects.exists()


def test_rerunning_the_task_with_nothing_pending_does_nothing(
    family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log(family["infant"], family["parent"], BENIGN_PATTERN)
    assert assess_infant_task(family["infant"].pk) is None
    assert Assessment.objects.count() == 1


def test_several_episodes_before_the_worker_runs_make_one_assessment(
    family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log(family["infant"], family["parent"], BENIGN_PATTERN)
        log(family["infant"], family["parent"], EMERGENCY_PATTERN)
    for callback in callbacks:
        callback()
    assessment = Assessment.objects.get()
    assert len(assessment.input_case["episodes"]) == 2


def test_episodes_older_than_fourteen_days_are_left_out(family, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode_log(
            infant=family["infant"],
            reported_by=family["parent"],
            started_at=timezone.now() - timedelta(days=15),
            **EMERGENCY_PATTERN,
        )
        log(family["infant"], family["parent"], BENIGN_PATTERN)
    latest = Assessment.objects.latest_first().first()
    assert [e["movement_type"] for e in latest.input_case["episodes"]] == ["fine_tremor"]


def test_a_development_change_reassesses_the_infant(family, django_capture_on_commit_callbacks):
    infant = family["infant"]
    with django_capture_on_commit_callbacks(execute=True):
        milestone_record(
            infant=infant,
            recorded_by=family["doctor"],
            milestone="social_smile",
            status=MilestoneStatus.ACHIEVED,
            observed_on=timezone.localdate() - timedelta(days=3),
        )
        milestone_record(
            infant=infant,
            recorded_by=family["doctor"],
            milestone="social_smile",
            status=MilestoneStatus.LOST,
            observed_on=timezone.localdate(),
        )
    assessment = Assessment.objects.latest_first().first()
    assert assessment.trigger == AssessmentTrigger.DEVELOPMENT_CHANGE
    assert assessment.input_case["infant"]["development"] == "regression"


@pytest.mark.django_db(transaction=True)
def test_assessments_cannot_be_changed_in_the_database(postgres, family):
    with transaction.atomic():
        log(family["infant"], family["parent"], BENIGN_PATTERN)
    assessment = Assessment.objects.get()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(triage=Triage.EMERGENCY)


def test_override_is_kept_beside_the_engine_result(family, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log(family["infant"], family["parent"], EMERGENCY_PATTERN)
    assessment = Assessment.objects.get()
    review = assessment_review(
        assessment=assessment,
        reviewer=family["doctor"],
        decision="override",
        triage=Triage.SAME_DAY,
        reason="Video shows a benign pattern; EEG booked today.",
    )
    assessment.refresh_from_db()
    assert assessment.triage == Triage.EMERGENCY, "the engine's result is never replaced"
    assert review.triage == Triage.SAME_DAY
    family["infant"].refresh_from_db()
    assert family["infant"].current_triage == Triage.SAME_DAY
    assert TriageAlert.objects.get().acknowledged_by == family["doctor"]


def test_emergency_episode_becomes_an_assessment_and_alert_through_a_real_worker(
    celery_worker, token_client
):
    infant = InfantFactory(born_at=timezone.now() - timedelta(days=20))
    parent = caregiver_of(infant)
    staff(Role.PEDIATRICIAN, clinic=infant.clinic)
    response = token_client(parent).post(
        "/api/v1/episodes/",
        {
            "infant": str(infant.uuid),
            "started_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
            **EMERGENCY_PATTERN,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not TriageAlert.objects.filter(infant=infant).exists():
        time.sleep(0.1)
    assessment = Assessment.objects.get(infant=infant)
    assert assessment.triage == Triage.EMERGENCY
    assert TriageAlert.objects.filter(assessment=assessment).exists()
    assert Notification.objects.filter(kind=NotificationKind.TRIAGE_ALERT).exists()
