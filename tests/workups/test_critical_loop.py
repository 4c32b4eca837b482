from datetime import timedelta

import pytest
from django.utils import timezone

from clinics.models import Notification, NotificationKind, Role
from clinics.sms import MemorySmsBackend
from tests.factories import InfantFactory, staff
from tests.workups.conftest import make_team
from tests.workups.factories import TestOrderFactory
from workups.models import CriticalAlert, CriticalAlertEscalation, EscalationLevel, OrderedTest
from workups.services import critical_alert_acknowledge, critical_alerts_escalate, result_record

pytestmark = pytest.mark.django_db


def _critical_result(team, django_capture_on_commit_callbacks):
    order = TestOrderFactory(
        infant=team.infant, test=OrderedTest.GLUCOSE_POINT_OF_CARE, ordered_by=team.pediatrician
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = result_record(order=order, recorded_by=team.nurse, value=25, unit="mg/dL")
    return CriticalAlert.objects.get(result=result)


def _told(alert, level):
    return set(
        Notification.objects.filter(
            dedupe_key=f"critical-alert:{alert.uuid}:level-{level}"
        ).values_list("recipient__email", flat=True)
    )


def test_the_ordering_pediatrician_is_told_at_once_by_text_message_too(
    team, django_capture_on_commit_callbacks
):
    alert = _critical_result(team, django_capture_on_commit_callbacks)
    assert _told(alert, 0) == {team.pediatrician.email}
    note = Notification.objects.get(
        recipient=team.pediatrician, kind=NotificationKind.CRITICAL_RESULT
    )
    assert note.send_sms
    assert note.sms_sent_at is not None
    assert team.pediatrician.phone in [m.to for m in MemorySmsBackend.outbox]


def test_an_unacknowledged_alert_escalates_to_pediatricians_then_the_admin_once_each(
    team, django_capture_on_commit_callbacks
):
    alert = _critical_result(team, django_capture_on_commit_callbacks)
    start = alert.created_at
    assert critical_alerts_escalate(now=start + timedelta(minutes=29)) == []

    (first,) = critical_alerts_escalate(now=start + timedelta(minutes=30))
    assert first.level == EscalationLevel.CLINIC_PEDIATRICIANS
    assert set(first.recipients.all()) == {team.colleague}
    assert _told(alert, 1) == {team.colleague.email}
    assert critical_alerts_escalate(now=start + timedelta(minutes=45)) == []

    (second,) = critical_alerts_escalate(now=start + timedelta(minutes=60))
    assert second.level == EscalationLevel.CLINIC_ADMIN
    assert set(second.recipients.all()) == {team.admin}
    assert _told(alert, 2) == {team.admin.email}

    assert critical_alerts_escalate(now=start + timedelta(hours=5)) == []
    assert CriticalAlertEscalation.objects.filter(alert=alert).count() == 2
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 2


def test_acknowledging_stops_the_escalation(team, django_capture_on_commit_callbacks):
    alert = _critical_result(team, django_capture_on_commit_callbacks)
    critical_alert_acknowledge(alert=alert, acknowledged_by=team.pediatrician)
    assert critical_alerts_escalate(now=alert.created_at + timedelta(hours=2)) == []
    alert.refresh_from_db()
    assert alert.acknowledged_by == team.pediatrician
    assert alert.level == EscalationLevel.ORDERING_PEDIATRICIAN


def test_a_clinic_with_one_pediatrician_escalates_straight_to_its_admin(
    django_capture_on_commit_callbacks,
):
    team = make_team()
    team.colleague.memberships.update(is_active=False)
    alert = _critical_result(team, django_capture_on_commit_callbacks)
    (step,) = critical_alerts_escalate(now=alert.created_at + timedelta(minutes=31))
    assert set(step.recipients.all()) == {team.admin}


def test_a_sweep_escalates_each_clinics_alerts_to_that_clinics_staff_only(
    django_capture_on_commit_callbacks,
):
    teams = [make_team(), make_team()]
    alerts = [_critical_result(t, django_capture_on_commit_callbacks) for t in teams]
    later = max(a.created_at for a in alerts) + timedelta(minutes=30)
    steps = critical_alerts_escalate(now=later)
    assert {s.alert for s in steps} == set(alerts)
    for team, alert in zip(teams, alerts, strict=True):
        assert _told(alert, 1) == {team.colleague.email}


def test_a_normal_result_raises_no_alert(team):
    infant = InfantFactory(clinic=team.clinic, born_at=timezone.now() - timedelta(days=4))
    order = TestOrderFactory(infant=infant, ordered_by=staff(Role.PEDIATRICIAN, team.clinic))
    result_record(order=order, recorded_by=team.nurse, value=80, unit="mg/dL")
    assert not CriticalAlert.objects.exists()
