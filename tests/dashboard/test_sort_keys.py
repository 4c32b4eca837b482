"""The dashboard's sort keys stored on the infant: kept by the alert services, backfilled by the
migration, and giving the same order as computing them from the alert tables."""

import random
from datetime import timedelta

import pytest
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Triage, TriageAlert
from assessments.services import infants_record_open_triage_alerts, triage_alert_acknowledge
from dashboard.selectors import DashboardFilters, dashboard_infants
from patients.models import Infant
from tests.factories import InfantFactory, staff
from tests.workups.factories import AssessmentFactory
from workups.models import CriticalAlert, OrderedTest, Priority
from workups.services import (
    critical_alert_acknowledge,
    infants_record_open_critical_alerts,
    order_create,
    result_record,
)

pytestmark = pytest.mark.django_db


def _computed_order(user) -> list[int]:
    """The order as it was computed before the keys were stored: from the alert tables."""
    triage = TriageAlert.objects.unacknowledged()
    critical = CriticalAlert.objects.unacknowledged()
    oldest = triage.filter(infant=OuterRef("pk")).order_by("created_at").values("created_at")
    return list(
        dashboard_infants(user, DashboardFilters())
        .annotate(
            computed_triage=Q(pk__in=triage.values("infant_id")),
            computed_critical=Q(pk__in=critical.values("infant_id")),
        )
        .annotate(
            computed_oldest=Case(When(computed_triage=True, then=Subquery(oldest[:1]))),
        )
        .order_by(
            F("computed_critical").desc(),
            F("computed_triage").desc(),
            F("current_triage_rank").desc(),
            Coalesce("computed_oldest", "assessed_at").asc(nulls_last=True),
            "id",
        )
        .values_list("pk", flat=True)
    )


def _stored_order(user) -> list[int]:
    return list(dashboard_infants(user, DashboardFilters()).values_list("pk", flat=True))


def _critical(infant, doctor):
    order = order_create(
        infant=infant,
        test=OrderedTest.GLUCOSE_POINT_OF_CARE,
        priority=Priority.STAT,
        ordered_by=doctor,
        reason_text="jittery",
    )
    result_record(
        order=order,
        recorded_by=doctor,
        value=30,
        unit="mg/dL",
        collected_at=timezone.now() - timedelta(minutes=5),
    )
    return CriticalAlert.objects.get(infant=infant, acknowledged_at__isnull=True)


def test_stored_keys_give_the_computed_order_through_raising_and_answering():
    rng = random.Random(17)
    doctor = staff()
    clinic = doctor.memberships.get().clinic
    now = timezone.now()
    infants = []
    for n in range(30):
        triage = rng.choice([*Triage.values, ""])
        infant = InfantFactory(
            clinic=clinic,
            born_at=now - timedelta(hours=30),
            current_triage=triage,
            current_triage_rank=Triage.rank(triage) if triage else -1,
            # Ties on the waiting time too, so the id decides between them.
            assessed_at=None if not triage else now - timedelta(hours=rng.choice((1, 2, 5))),
        )
        infants.append(infant)
        if n % 3 == 0:
            alert = TriageAlert.objects.create(
                assessment=AssessmentFactory(infant=infant), infant=infant, triage="same_day"
            )
            TriageAlert.objects.filter(pk=alert.pk).update(
                created_at=now - timedelta(hours=rng.choice((1, 3, 8)))
            )
    infants_record_open_triage_alerts(infants=Infant.objects.all())
    critical = [_critical(infant, doctor) for infant in rng.sample(infants, 5)]
    assert _stored_order(doctor) == _computed_order(doctor)
    assert Infant.objects.filter(critical_alert_open=True).count() == 5

    critical_alert_acknowledge(alert=critical[0], acknowledged_by=doctor)
    for alert in TriageAlert.objects.unacknowledged()[:4]:
        triage_alert_acknowledge(alert=alert, user=doctor)
    assert Infant.objects.filter(critical_alert_open=True).count() == 4
    assert _stored_order(doctor) == _computed_order(doctor)
    top = dashboard_infants(doctor, DashboardFilters())[0]
    assert top.has_critical_result
    assert top.pk != critical[0].infant_id


def test_the_oldest_open_triage_alert_is_the_waiting_time():
    doctor = staff()
    infant = InfantFactory(clinic=doctor.memberships.get().clinic, current_triage_rank=2)
    old, new = (
        TriageAlert.objects.create(
            assessment=AssessmentFactory(infant=infant), infant=infant, triage="same_day"
        )
        for _ in range(2)
    )
    TriageAlert.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    infants_record_open_triage_alerts(infants=Infant.objects.filter(pk=infant.pk))
    infant.refresh_from_db()
    old.refresh_from_db()
    assert infant.triage_alert_open
    assert infant.triage_alert_open_since == old.created_at
    triage_alert_acknowledge(alert=old, user=doctor)
    infant.refresh_from_db()
    assert infant.triage_alert_open
    assert infant.triage_alert_open_since == new.created_at
    triage_alert_acknowledge(alert=new, user=doctor)
    infant.refresh_from_db()
    assert not infant.triage_alert_open
    assert infant.triage_alert_open_since is None
    infants_record_open_critical_alerts(infants=Infant.objects.filter(pk=infant.pk))
    infant.refresh_from_db()
    assert not infant.critical_alert_open


def test_migration_backfills_the_keys():
    """The migration's backfill, run on infants whose keys were never written."""
    from importlib import import_module

    from django.apps import apps

    backfill = import_module("patients.migrations.0009_dashboard_sort_keys").backfill
    doctor = staff()
    infant = InfantFactory(
        clinic=doctor.memberships.get().clinic, born_at=timezone.now() - timedelta(hours=30)
    )
    TriageAlert.objects.create(
        assessment=AssessmentFactory(infant=infant), infant=infant, triage="same_day"
    )
    _critical(infant, doctor)
    Infant.objects.update(
        critical_alert_open=False, triage_alert_open=False, triage_alert_open_since=None
    )
    backfill(apps, None)
    infant.refresh_from_db()
    assert infant.critical_alert_open
    assert infant.triage_alert_open
    assert infant.triage_alert_open_since == TriageAlert.objects.get(infant=infant).created_at
