"""An emergency referral ends with a person phoning the family: a stat call on the worklist that
comes back to the pediatrician when nobody has done it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.models import Triage
from clinics.models import Notification
from tests.factories import sign_in_verified
from tests.workups.factories import AssessmentFactory, FollowUpFactory
from workups.models import (
    CALL_SCRIPTS,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpStatus,
    FollowUpTask,
    Priority,
    ReferralUrgency,
)
from workups.services import follow_up_call_record, follow_ups_escalate, referral_create
from workups.tasks import follow_ups_escalate_task

pytestmark = pytest.mark.django_db


def _emergency(team, now):
    AssessmentFactory(infant=team.infant, triage=Triage.EMERGENCY)
    return referral_create(
        infant=team.infant,
        created_by=team.pediatrician,
        reason="Clonic jerks with apnoea",
        urgency=ReferralUrgency.EMERGENCY,
        now=now,
    )


def test_an_emergency_referral_puts_a_stat_call_for_the_nurses_on_the_worklist(team):
    now = timezone.now()
    referral = _emergency(team, now)
    task = FollowUpTask.objects.get(source_key=f"referral:{referral.uuid}:call-family-now")
    assert task.kind == FollowUpKind.CALL_FAMILY_NOW
    assert task.priority == Priority.STAT
    assert task.due_at == now
    assert task.escalate_at == now + timedelta(minutes=settings.FOLLOW_UP_STAT_ESCALATE_MINUTES)
    told = Notification.objects.filter(dedupe_key=f"follow-up:{task.uuid}:assigned")
    assert [n.recipient for n in told] == [team.nurse]
    assert told.get().send_sms


def test_the_worklist_puts_stat_before_urgent_before_routine(client, team):
    soon = timezone.now() + timedelta(minutes=5)
    routine = FollowUpFactory(infant=team.infant, priority=Priority.ROUTINE, due_at=soon)
    urgent = FollowUpFactory(infant=team.infant, priority=Priority.URGENT, due_at=soon)
    stat = FollowUpFactory(
        infant=team.infant, priority=Priority.STAT, due_at=soon + timedelta(hours=1)
    )
    assert list(FollowUpTask.objects.worklist()) == [stat, urgent, routine]
    sign_in_verified(client, team.nurse)
    html = client.get(reverse("workups:worklist")).content.decode()
    assert html.index(str(stat.uuid)) < html.index(str(urgent.uuid)) < html.index(str(routine.uuid))
    assert "worklist-stat" in html


def test_a_stat_call_left_undone_escalates_once_to_the_referring_pediatrician(team):
    start = timezone.now()
    referral = _emergency(team, start)
    task = FollowUpTask.objects.get(source_key=f"referral:{referral.uuid}:call-family-now")
    assert follow_ups_escalate(now=start + timedelta(minutes=14, seconds=59)) == []
    later = start + timedelta(minutes=15)
    assert follow_ups_escalate(now=later) == [task]
    assert follow_ups_escalate(now=later + timedelta(minutes=5)) == []
    task.refresh_from_db()
    assert task.escalated_at == later
    assert task.escalated_to == team.pediatrician
    alerts = Notification.objects.filter(dedupe_key=f"follow-up:{task.uuid}:escalated")
    assert [n.recipient for n in alerts] == [team.pediatrician]
    assert alerts.get().send_sms
    assert "15 min" in alerts.get().title


def test_a_call_that_reached_the_family_does_not_escalate(team):
    start = timezone.now()
    referral = _emergency(team, start)
    task = FollowUpTask.objects.get(source_key=f"referral:{referral.uuid}:call-family-now")
    follow_up_call_record(
        task=task, outcome=FollowUpOutcome.REACHED, made_by=team.nurse, note="On their way"
    )
    assert follow_ups_escalate(now=start + timedelta(hours=1)) == []
    task.refresh_from_db()
    assert task.status == FollowUpStatus.DONE
    assert task.outcome_note == "On their way"


def test_no_answer_is_recorded_and_keeps_the_call_open_so_it_still_escalates(team):
    start = timezone.now()
    referral = _emergency(team, start)
    task = FollowUpTask.objects.get(source_key=f"referral:{referral.uuid}:call-family-now")
    for outcome in (FollowUpOutcome.NO_ANSWER, FollowUpOutcome.LEFT_MESSAGE):
        follow_up_call_record(task=task, outcome=outcome, made_by=team.nurse)
    task.refresh_from_db()
    assert task.status == FollowUpStatus.OPEN
    assert [a.outcome for a in task.attempts.all()] == ["left_message", "no_answer"]
    assert follow_ups_escalate(now=start + timedelta(minutes=16)) == [task]


def test_the_escalation_task_runs_the_service_on_the_real_clock(team, settings):
    settings.FOLLOW_UP_STAT_ESCALATE_MINUTES = 0
    _emergency(team, timezone.now() - timedelta(seconds=1))
    assert follow_ups_escalate_task.delay().get() == 1
    assert follow_ups_escalate_task.delay().get() == 0


def test_one_click_outcomes_from_the_worklist(client, team):
    task = FollowUpFactory(infant=team.infant)
    sign_in_verified(client, team.nurse)
    url = reverse("workups:follow-up-call", kwargs={"followup_uuid": task.uuid})
    assert client.post(url, {"outcome": "wrong_number", "note": ""}).status_code == 302
    task.refresh_from_db()
    assert task.status == FollowUpStatus.OPEN
    assert client.post(url, {"outcome": "reached"}).status_code == 302
    task.refresh_from_db()
    assert task.status == FollowUpStatus.DONE
    assert task.outcome_note == "Reached"
    assert client.post(url, {"outcome": "bogus"}).status_code == 302
    assert task.attempts.count() == 2


def test_the_call_script_names_the_kind_and_shows_the_caregivers_number(client, team):
    team.caregiver.phone = "+15550199"
    team.caregiver.save()
    team.infant.caregiver_advice = "See a doctor today."
    team.infant.save()
    FollowUpFactory(infant=team.infant, kind=FollowUpKind.CONFIRM_APPOINTMENT)
    sign_in_verified(client, team.nurse)
    html = client.get(reverse("workups:worklist")).content.decode()
    assert 'href="tel:+15550199"' in html
    assert "Can you confirm you will attend?" in html
    assert f"{team.infant.given_name} has a neurology appointment" in html
    assert "See a doctor today." in html


@pytest.mark.parametrize("kind", FollowUpKind.values)
def test_every_kind_of_task_shows_its_own_call_script_on_the_worklist(client, team, kind):
    """The worklist once rendered an empty script (it named a property no model had); each kind
    now shows what to say and what to ask, with the clinic and the infant named."""
    FollowUpFactory(infant=team.infant, kind=kind)
    sign_in_verified(client, team.nurse)
    html = client.get(reverse("workups:worklist")).content.decode()
    script = CALL_SCRIPTS[kind]
    names = {"clinic": team.infant.clinic.name, "infant": team.infant.given_name}
    assert script.say
    assert escape(script.say.format(**names)) in html
    for question in script.ask:
        assert escape(question.format(**names)) in html


def test_another_clinics_task_cannot_be_called(client, team, other_team):
    task = FollowUpFactory(infant=other_team.infant)
    sign_in_verified(client, team.nurse)
    url = reverse("workups:follow-up-call", kwargs={"followup_uuid": task.uuid})
    assert client.post(url, {"outcome": "reached"}).status_code == 404


def test_the_invitation_collects_the_phone_and_staff_can_correct_it(client, team):
    from patients.models import Guardianship, Invitation

    sign_in_verified(client, team.nurse)
    invite = reverse("patients:caregiver-invite", kwargs={"infant_id": team.infant.uuid})
    response = client.post(
        invite, {"email": "gran@example.org", "phone": "+1 312 555 0177", "relationship": "other"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="gran@example.org").phone == "+1 312 555 0177"
    guardianship = Guardianship.objects.get(infant=team.infant, caregiver=team.caregiver)
    url = reverse(
        "patients:caregiver-phone",
        kwargs={"infant_id": team.infant.uuid, "guardianship_id": guardianship.uuid},
    )
    assert client.post(url, {"phone": "+1 312 555 0199"}).status_code == 302
    team.caregiver.refresh_from_db()
    assert team.caregiver.phone == "+1 312 555 0199"
    client.post(url, {"phone": "call me maybe"})
    team.caregiver.refresh_from_db()
    assert team.caregiver.phone == "+1 312 555 0199"
