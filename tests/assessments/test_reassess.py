"""`manage.py reassess --ruleset X` moves the infants in care to ruleset X through the ordinary
workflow: batched, resumable, idempotent, alerting where triage rose."""

import io
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentTrigger, Triage, TriageAlert
from assessments.services import ASSESSMENT_RULESET
from clinics.models import Notification, NotificationKind, Role
from patients.models import AssessmentRequest, Infant
from tests.assessments.test_workflow import BENIGN_PATTERN, EMERGENCY_PATTERN
from tests.factories import EpisodeFactory, InfantFactory, caregiver_of, staff

OLD = "0.9.0"  # any ruleset other than the target


def _stored(infant, *, version=OLD, triage=Triage.REASSURE_MONITOR):
    """An assessment made earlier with another ruleset, and the standing it left."""
    assessment = Assessment.objects.create(
        infant=infant,
        trigger=AssessmentTrigger.NEW_EPISODE,
        input_case={},
        result={"triage": triage},
        ruleset_version=version,
        ruleset_digest="0" * 64,
        triage=triage,
    )
    Infant.objects.filter(pk=infant.pk).update(
        current_triage=triage, current_triage_rank=Triage.rank(triage), assessed_at=timezone.now()
    )
    return assessment


def clinic_dataset() -> dict[str, Infant]:
    """One clinic: which infant a move to the target ruleset must re-assess is in its name."""
    born = timezone.now() - timedelta(days=12)
    infants = {name: InfantFactory(born_at=born) for name in (
        "concern", "recent_episode", "rises", "quiet", "already_on_target", "never_assessed",
    )}  # fmt: skip
    clinic = infants["concern"].clinic
    for infant in infants.values():
        Infant.objects.filter(pk=infant.pk).update(clinic=clinic)
    staff(Role.PEDIATRICIAN, clinic=clinic)
    _stored(infants["concern"], triage=Triage.ROUTINE_VISIT)
    _stored(infants["recent_episode"])
    EpisodeFactory(infant=infants["recent_episode"], **BENIGN_PATTERN)
    # Stored as reassure, but its recent episode is an emergency pattern: triage rises.
    _stored(infants["rises"])
    caregiver_of(infants["rises"])
    EpisodeFactory(infant=infants["rises"], **EMERGENCY_PATTERN)
    # Nothing open and nothing in 14 days: not in care.
    _stored(infants["quiet"])
    EpisodeFactory(infant=infants["quiet"], started_at=timezone.now() - timedelta(days=20))
    _stored(infants["already_on_target"], version=ASSESSMENT_RULESET, triage=Triage.SAME_DAY)
    EpisodeFactory(infant=infants["never_assessed"])
    AssessmentRequest.objects.all().delete()
    return infants


EXPECTED = {"concern", "recent_episode", "rises", "never_assessed"}


def _reassessed(infants) -> set[str]:
    moved = Assessment.objects.filter(
        trigger=AssessmentTrigger.RULESET_CHANGE, ruleset_version=ASSESSMENT_RULESET
    )
    ids = set(moved.values_list("infant_id", flat=True))
    assert moved.count() == len(ids), "nobody is re-assessed twice"
    return {name for name, infant in infants.items() if infant.pk in ids}


def _run(**options) -> str:
    out = io.StringIO()
    call_command(
        "reassess", ruleset=ASSESSMENT_RULESET, stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_reassess_moves_exactly_the_infants_in_care_and_alerts_where_triage_rose():
    infants = clinic_dataset()
    report = _run(batch_size=2)
    assert _reassessed(infants) == EXPECTED
    rose = Assessment.objects.get(infant=infants["rises"], trigger=AssessmentTrigger.RULESET_CHANGE)
    assert rose.triage == Triage.EMERGENCY
    assert rose.previous_triage == Triage.REASSURE_MONITOR
    assert TriageAlert.objects.filter(assessment=rose).exists()
    assert Notification.objects.filter(
        kind=NotificationKind.ADVICE, infant_uuid=infants["rises"].uuid
    ).exists(), "the caregivers are advised"
    infants["rises"].refresh_from_db()
    assert infants["rises"].current_triage == Triage.EMERGENCY
    assert "5 infants in care; 1 already on ruleset" in report
    assert "4 re-assessed" in report
    assert "triage rose for" in report
    assert not AssessmentRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_second_run_does_nothing_new():
    clinic_dataset()
    _run(batch_size=3)
    assessments, alerts = Assessment.objects.count(), TriageAlert.objects.count()
    report = _run(batch_size=3)
    assert (Assessment.objects.count(), TriageAlert.objects.count()) == (assessments, alerts)
    assert "0 re-assessed" in report
    assert "5 already on ruleset" in report


@pytest.mark.django_db(transaction=True)
def test_a_stopped_run_continues_where_it_ended(monkeypatch):
    infants = clinic_dataset()
    request = services.reassessment_request
    calls = []

    def stop_on_the_second_batch(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return request(**kwargs)

    monkeypatch.setattr(
        "assessments.management.commands.reassess.reassessment_request", stop_on_the_second_batch
    )
    with pytest.raises(KeyboardInterrupt):
        _run(batch_size=2)
    first = _reassessed(infants)
    assert len(first) == 2
    monkeypatch.undo()
    _run(batch_size=2)
    assert _reassessed(infants) == EXPECTED, "the rest, each once"


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_run_stops_and_leaves_the_requests_for_the_sweep(settings):
    from config.celery import app

    infants = clinic_dataset()
    app.conf.task_always_eager = False
    try:
        with pytest.raises(CommandError, match="Run again to continue"):
            _run(batch_size=10, timeout=0.5)
    finally:
        app.conf.task_always_eager = True
    assert AssessmentRequest.objects.filter(ruleset=ASSESSMENT_RULESET).count() == 4
    assert _reassessed(infants) == set()


def test_a_real_celery_worker_drains_the_reassessment(celery_worker, measured):
    infants = clinic_dataset()
    started = time.monotonic()
    report = _run(batch_size=2, timeout=60)
    assert _reassessed(infants) == EXPECTED
    assert TriageAlert.objects.filter(infant=infants["rises"]).exists()
    measured(f"real worker: {report.strip()} ({time.monotonic() - started:.1f} s)")
