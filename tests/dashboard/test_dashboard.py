from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Triage, TriageAlert
from assessments.services import infants_record_open_triage_alerts
from clinics.models import AuditEvent, Role
from patients.models import Infant
from tests.assessments.test_workflow import BENIGN_PATTERN, EMERGENCY_PATTERN, log
from tests.factories import EpisodeFactory, InfantFactory, caregiver_of, sign_in_verified, staff
from tests.workups.factories import AssessmentFactory
from workups.models import OrderedTest, Priority
from workups.services import order_create, result_record

pytestmark = pytest.mark.django_db


def standing(infant, triage, *, cause="", hours_ago=1):
    Infant.objects.filter(pk=infant.pk).update(
        current_triage=triage,
        current_triage_rank=Triage.rank(triage),
        current_leading_cause=cause,
        assessed_at=timezone.now() - timedelta(hours=hours_ago),
    )


def rows(response) -> list[str]:
    return [str(infant.uuid) for infant in response.context["rows"]]


@pytest.fixture
def doctor():
    return staff(Role.PEDIATRICIAN)


def test_everyone_lands_where_their_work_is(client, doctor):
    sign_in_verified(client, doctor)
    assert client.get("/")["Location"] == reverse("dashboard:index")
    parent = caregiver_of(InfantFactory())
    sign_in_verified(client, parent)
    assert client.get("/")["Location"] == reverse("portal:home")


def test_unanswered_alerts_first_then_triage_then_waiting_time(
    client, doctor, django_capture_on_commit_callbacks
):
    clinic = doctor.memberships.get().clinic
    routine_old = InfantFactory(clinic=clinic)
    standing(routine_old, Triage.ROUTINE_VISIT, hours_ago=10)
    routine_new = InfantFactory(clinic=clinic)
    standing(routine_new, Triage.ROUTINE_VISIT, hours_ago=1)
    same_day = InfantFactory(clinic=clinic)
    standing(same_day, Triage.SAME_DAY)
    reassured = InfantFactory(clinic=clinic)
    standing(reassured, Triage.REASSURE_MONITOR)
    alerted = InfantFactory(clinic=clinic, born_at=timezone.now() - timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        log(alerted, caregiver_of(alerted), EMERGENCY_PATTERN)
    sign_in_verified(client, doctor)
    response = client.get(reverse("dashboard:index"))
    assert rows(response) == [
        str(alerted.uuid),
        str(same_day.uuid),
        str(routine_old.uuid),
        str(routine_new.uuid),
    ], "reassured infants are not open concerns"
    html = response.content.decode()
    assert "Alert unanswered" in html
    TriageAlert.objects.update(acknowledged_at=timezone.now())
    infants_record_open_triage_alerts(infants=Infant.objects.all())
    assert rows(client.get(reverse("dashboard:index")))[0] == str(alerted.uuid), (
        "still first by triage (emergency) once the alert is answered"
    )


def test_triage_badges_always_carry_a_text_label(client, doctor):
    infant = InfantFactory(clinic=doctor.memberships.get().clinic)
    standing(infant, Triage.SAME_DAY, cause="hypocalcemia")
    sign_in_verified(client, doctor)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert 'class="badge triage-same_day">See a doctor today<' in html
    assert "Low calcium" in html


def test_filters_and_counts(client, doctor):
    clinic = doctor.memberships.get().clinic
    a = InfantFactory(clinic=clinic, given_name="Ada", assigned_clinician=doctor)
    standing(a, Triage.SAME_DAY, cause="hypoglycemia")
    b = InfantFactory(clinic=clinic, given_name="Ben")
    standing(b, Triage.ROUTINE_VISIT, cause="startle_moro")
    sign_in_verified(client, doctor)
    url = reverse("dashboard:index")
    assert rows(client.get(url, {"triage": "routine_visit"})) == [str(b.uuid)]
    assert rows(client.get(url, {"cause": "hypoglycemia"})) == [str(a.uuid)]
    assert rows(client.get(url, {"assigned": "me"})) == [str(a.uuid)]
    assert rows(client.get(url, {"assigned": "unassigned"})) == [str(b.uuid)]
    assert rows(client.get(url, {"search": "ben"})) == [str(b.uuid)]
    counts = {c["value"]: c["count"] for c in client.get(url).context["triage_counts"]}
    assert counts == {"emergency": 0, "same_day": 1, "routine_visit": 1, "reassure_monitor": 0}


def test_htmx_refresh_returns_only_the_results(client, doctor):
    sign_in_verified(client, doctor)
    response = client.get(reverse("dashboard:index"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "open concern" in html


def test_other_clinics_infants_never_appear(client, doctor):
    other = InfantFactory()
    standing(other, Triage.EMERGENCY)
    sign_in_verified(client, doctor)
    assert str(other.uuid) not in client.get(reverse("dashboard:index")).content.decode()


def test_dashboard_reads_are_audited(client, doctor):
    infant = InfantFactory(clinic=doctor.memberships.get().clinic)
    standing(infant, Triage.SAME_DAY)
    sign_in_verified(client, doctor)
    client.get(reverse("dashboard:index"))
    event = AuditEvent.objects.get(resource="dashboard")
    assert event.infant_uuids == [infant.uuid]


def test_caregivers_cannot_open_the_dashboard(client):
    sign_in_verified(client, caregiver_of(InfantFactory()))
    assert client.get(reverse("dashboard:index")).status_code == 403


@pytest.mark.parametrize("count", [20, 2000])
def test_dashboard_query_count_is_fixed_whatever_the_clinic_size(
    client, doctor, django_assert_max_num_queries, count
):
    clinic = doctor.memberships.get().clinic
    template = InfantFactory.build(clinic=clinic)
    born = timezone.now() - timedelta(days=30)
    Infant.objects.bulk_create(
        [
            Infant(
                clinic=clinic,
                mrn=f"BULK{i:05d}",
                given_name=f"Baby{i}",
                family_name="Bulk",
                sex=template.sex,
                born_at=born,
                born_on=born.date(),
                gestational_weeks=39,
                birth_weight_g=3300,
                current_triage=Triage.values[i % 4],
                current_triage_rank=i % 4,
                assessed_at=born,
            )
            for i in range(count)
        ]
    )
    sign_in_verified(client, doctor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    open_concerns = sum(1 for i in range(count) if i % 4 >= Triage.rank(Triage.ROUTINE_VISIT))
    assert len(response.context["rows"]) == min(50, open_concerns)


def test_case_page_shows_one_timeline_with_plots(
    client, doctor, django_capture_on_commit_callbacks
):
    infant = InfantFactory(clinic=doctor.memberships.get().clinic)
    parent = caregiver_of(infant)
    with django_capture_on_commit_callbacks(execute=True):
        log(infant, parent, BENIGN_PATTERN, duration_s=40)
    with django_capture_on_commit_callbacks(execute=True):
        log(infant, parent, EMERGENCY_PATTERN, duration_s=90)
    sign_in_verified(client, doctor)
    response = client.get(reverse("dashboard:case", args=[infant.uuid]))
    assert response.status_code == 200
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds.count("episode") == 2
    assert kinds.count("assessment") == 2
    assert "alert" in kinds
    episodes_chart, duration_chart = response.context["charts"]
    assert sum(bar.height > 0 for bar in episodes_chart.bars) == 1
    assert duration_chart.y_max == 90
    assert AuditEvent.objects.filter(infant_uuid=infant.uuid, action="view").exists()


def test_audit_events_on_the_case_timeline_are_for_admins_only(client, doctor):
    infant = InfantFactory(clinic=doctor.memberships.get().clinic)
    sign_in_verified(client, doctor)
    kinds = [
        e.kind
        for e in client.get(reverse("dashboard:case", args=[infant.uuid])).context["timeline"]
    ]
    assert "audit" not in kinds
    admin = staff(Role.CLINIC_ADMIN, clinic=infant.clinic)
    sign_in_verified(client, admin)
    kinds = [
        e.kind
        for e in client.get(reverse("dashboard:case", args=[infant.uuid])).context["timeline"]
    ]
    assert "audit" in kinds


def test_case_page_has_a_print_view(client, doctor):
    infant = InfantFactory(clinic=doctor.memberships.get().clinic)
    sign_in_verified(client, doctor)
    html = client.get(
        reverse("dashboard:case", args=[infant.uuid]), {"print": "1"}
    ).content.decode()
    assert 'class="print-view"' in html


def test_times_are_shown_in_the_clinics_time_zone(client):
    doctor = staff(Role.PEDIATRICIAN)
    clinic = doctor.memberships.get().clinic
    clinic.time_zone = "Asia/Tokyo"
    clinic.save()
    infant = InfantFactory(clinic=clinic)
    EpisodeFactory(infant=infant)
    sign_in_verified(client, doctor)
    html = client.get(reverse("dashboard:case", args=[infant.uuid])).content.decode()
    assert "+09:00" in html


def _critical_glucose(infant, doctor):
    order = order_create(
        infant=infant,
        test=OrderedTest.GLUCOSE_POINT_OF_CARE,
        priority=Priority.STAT,
        ordered_by=doctor,
        reason_text="jittery and feeding poorly",
    )
    return result_record(
        order=order,
        recorded_by=doctor,
        value=30,
        unit="mg/dL",
        collected_at=timezone.now() - timedelta(minutes=5),
    )


def test_critical_results_and_pending_orders_reach_the_dashboard(
    client, doctor, django_capture_on_commit_callbacks
):
    clinic = doctor.memberships.get().clinic
    infant = InfantFactory(clinic=clinic, born_at=timezone.now() - timedelta(hours=30))
    waiting = InfantFactory(clinic=clinic)
    order_create(
        infant=waiting,
        test=OrderedTest.IONIZED_CALCIUM,
        priority=Priority.URGENT,
        ordered_by=doctor,
        reason_text="late hypocalcemia?",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _critical_glucose(infant, doctor)
    sign_in_verified(client, doctor)
    response = client.get(reverse("dashboard:index"))
    assert rows(response)[0] == str(infant.uuid), "an unanswered critical result comes first"
    html = response.content.decode()
    assert "Critical result" in html
    assert "1 pending order" in html
    pending = client.get(reverse("dashboard:index"), {"pending_results": "on"})
    assert str(waiting.uuid) in rows(pending)
    assert str(infant.uuid) not in rows(pending)


def test_case_page_shows_work_ups_and_glucose_against_thresholds(
    client, doctor, django_capture_on_commit_callbacks
):
    infant = InfantFactory(
        clinic=doctor.memberships.get().clinic, born_at=timezone.now() - timedelta(hours=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _critical_glucose(infant, doctor)
    sign_in_verified(client, doctor)
    response = client.get(reverse("dashboard:case", args=[infant.uuid]))
    kinds = {entry.kind for entry in response.context["timeline"]}
    assert {"order", "result", "critical", "assessment"} <= kinds
    (chart,) = response.context["lab_charts"]
    assert chart.title == "Glucose"
    assert chart.points[0].flag == "critical"
    assert {band.kind for band in chart.bands} >= {"critical", "low"}
    assert chart.x_title == "Hours of life"
    assert chart.x_ticks[0].label == "30 h"
    assert chart.points[0].value_label == "30"
    html = response.content.decode()
    assert 'class="chart-point chart-point-critical"' in html
    assert "Glucose (mg/dL)</text>" in html
    assert "Hours of life</text>" in html
    assert 'data-testid="critical-banner"' in html


@pytest.mark.django_db
def test_a_critical_result_sorts_first_shows_banners_until_acknowledged_and_settles_notices(
    client, doctor, django_capture_on_commit_callbacks
):
    from clinics.models import Notification
    from workups.models import CriticalAlert

    clinic = doctor.memberships.get().clinic
    emergency = InfantFactory(clinic=clinic, current_triage="emergency", current_triage_rank=3)
    TriageAlert.objects.create(
        assessment=AssessmentFactory(infant=emergency, triage="emergency"),
        infant=emergency,
        triage="emergency",
    )
    infants_record_open_triage_alerts(infants=Infant.objects.filter(pk=emergency.pk))
    infant = InfantFactory(clinic=clinic, born_at=timezone.now() - timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=True):
        _critical_glucose(infant, doctor)
    sign_in_verified(client, doctor)
    rows = client.get(reverse("dashboard:index")).context["rows"]
    assert [row.pk for row in rows[:2]] == [infant.pk, emergency.pk]
    case_url = reverse("dashboard:case", args=[infant.uuid])
    html = client.get(case_url).content.decode()
    assert 'data-testid="critical-banner"' in html
    assert 'data-testid="patient-banner"' in html
    other = client.get(reverse("dashboard:case", args=[emergency.uuid])).content.decode()
    assert 'data-testid="global-critical-banner"' in other
    alert = CriticalAlert.objects.get(infant=infant)
    assert Notification.objects.filter(recipient=doctor, read_at__isnull=True).exists()
    response = client.post(
        reverse("workups:alert-acknowledge", kwargs={"critical_alert_uuid": alert.uuid}),
        {"action_taken": "IV dextrose started"},
    )
    assert response.url == case_url
    alert.refresh_from_db()
    assert alert.action_taken == "IV dextrose started"
    assert not Notification.objects.filter(
        dedupe_key__startswith=f"critical-alert:{alert.uuid}", read_at__isnull=True
    ).exists()
    html = client.get(case_url).content.decode()
    assert 'data-testid="critical-banner"' not in html
    assert 'data-testid="global-critical-banner"' not in html


def test_a_cause_only_ruleset_2_names_is_worded_on_the_worklist_and_the_patient_page(
    client, doctor
):
    """Before: the infant's leading cause was worded from ruleset 1.0.0's causes only, so an
    infant whose 2.0.0 assessment led with infection read "Cause unclear"."""
    infant = InfantFactory(clinic=doctor.memberships.get().clinic)
    standing(infant, Triage.EMERGENCY, cause="infection_sepsis_meningitis")
    sign_in_verified(client, doctor)
    worklist = client.get(reverse("dashboard:index")).content.decode()
    assert 'data-label="Leading cause">Infection (sepsis or meningitis)</td>' in worklist
    assert ">Emergency</span>" in worklist
    page = client.get(reverse("patients:infant-detail", args=[infant.uuid])).content.decode()
    assert ">Emergency</span>\n      Infection (sepsis or meningitis)\n" in page
    assert "Cause unclear" not in page
