from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import AuditEvent, Role
from tests.factories import InfantFactory, sign_in_verified, staff
from tests.workups.factories import (
    AppointmentFactory,
    AssessmentFactory,
    FollowUpFactory,
    SlotFactory,
    TestOrderFactory,
)
from workups.models import (
    CriticalAlert,
    FollowUpStatus,
    FollowUpTask,
    NeurologySlot,
    OrderStatus,
    Referral,
    TestOrder,
)

pytestmark = pytest.mark.django_db


def test_one_click_orders_an_assessments_recommendations_from_the_order_page(client, team):
    assessment = AssessmentFactory(infant=team.infant)
    sign_in_verified(client, team.pediatrician)
    page = client.get(reverse("workups:order-create", kwargs={"infant_id": team.infant.uuid}))
    assert "Order all recommended tests" in page.content.decode()
    response = client.post(
        reverse("workups:orders-from-assessment"), {"assessment": str(assessment.uuid)}
    )
    assert response.status_code == 302
    assert TestOrder.objects.filter(assessment=assessment).count() == 2
    listing = client.get(reverse("workups:order-list")).content.decode()
    assert "2345-7" in listing
    assert "17861-6" in listing


def test_a_result_entered_on_the_page_is_read_by_the_engine(client, team):
    order = TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician)
    sign_in_verified(client, team.nurse)
    url = reverse("workups:result-create", kwargs={"order_uuid": order.uuid})
    bad = client.post(url, {"value": "30", "unit": "mg"})
    assert bad.status_code == 200
    assert "mmol/L" in bad.content.decode()
    assert client.post(url, {"value": "30", "unit": "mg/dL"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.RESULTED
    detail = client.get(reverse("workups:order-detail", kwargs={"order_uuid": order.uuid}))
    assert "Critical" in detail.content.decode()


def test_a_transition_on_the_page_is_checked_against_the_table(client, team):
    order = TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician)
    sign_in_verified(client, team.nurse)
    url = reverse("workups:order-transition", kwargs={"order_uuid": order.uuid})
    assert client.post(url, {"to_status": "reviewed"}).status_code == 200
    assert client.post(url, {"to_status": "scheduled"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.SCHEDULED


def test_a_critical_alert_is_acknowledged_on_the_alerts_page(client, team):
    from workups.services import result_record

    order = TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician)
    result_record(order=order, recorded_by=team.nurse, value=10, unit="mg/dL")
    alert = CriticalAlert.objects.get()
    sign_in_verified(client, team.colleague)
    assert "Acknowledge" in client.get(reverse("workups:alert-list")).content.decode()
    client.post(reverse("workups:alert-acknowledge", kwargs={"critical_alert_uuid": alert.uuid}))
    alert.refresh_from_db()
    assert alert.acknowledged_by == team.colleague


def test_an_emergency_referral_shows_the_instruction_and_is_not_booked(client, team):
    sign_in_verified(client, team.pediatrician)
    SlotFactory(clinic=team.clinic)
    url = reverse("workups:referral-create", kwargs={"infant_id": team.infant.uuid})
    response = client.post(url, {"urgency": "emergency", "reason": "Apnoea with jerks"})
    assert response.status_code == 302
    page = client.get(reverse("workups:referral-list")).content.decode()
    assert "Send to the emergency department now." in page
    assert not Referral.objects.get().appointments.exists()


def test_clinic_admins_add_slots_in_clinic_time_and_others_cannot(client, team):
    team.clinic.time_zone = "America/New_York"
    team.clinic.save()
    sign_in_verified(client, team.nurse)
    assert client.get(reverse("workups:slot-list")).status_code == 403
    sign_in_verified(client, team.admin)
    day = (timezone.now() + timedelta(days=5)).date()
    response = client.post(
        reverse("workups:slot-list"),
        {"neurologist_name": "Dr. Lobe", "location": "Room 1",
         "starts_at": f"{day}T09:00", "length_minutes": 30},
    )  # fmt: skip
    assert response.status_code == 302
    slot = NeurologySlot.objects.get()
    assert timezone.localtime(slot.starts_at, ZoneInfo("America/New_York")).hour == 9


def test_the_worklist_shows_overdue_first_filters_completes_and_reassigns(client, team):
    now = timezone.now()
    later = FollowUpFactory(infant=team.infant, due_at=now + timedelta(hours=5))
    overdue = FollowUpFactory(
        infant=team.infant, due_at=now - timedelta(hours=5), kind="chase_result"
    )
    sign_in_verified(client, team.nurse)
    page = client.get(reverse("workups:worklist")).content.decode()
    assert page.index(overdue.description) <= page.index(str(later.uuid))
    filtered = client.get(reverse("workups:worklist"), {"kind": "chase_result"}).content.decode()
    assert str(overdue.uuid) in filtered
    assert str(later.uuid) not in filtered
    client.post(
        reverse("workups:follow-up-reassign", kwargs={"followup_uuid": later.uuid}),
        {"assignee": str(team.colleague.uuid)},
    )
    client.post(
        reverse("workups:follow-up-complete", kwargs={"followup_uuid": overdue.uuid}),
        {"outcome_note": "Lab says tomorrow"},
    )
    later.refresh_from_db()
    overdue.refresh_from_db()
    assert later.assignee == team.colleague
    assert overdue.status == FollowUpStatus.DONE


def test_the_caregiver_portal_lists_only_their_childs_upcoming_appointments(
    client, team, other_team
):
    mine = AppointmentFactory(referral__infant=team.infant, slot__neurologist_name="Dr. Mine")
    AppointmentFactory(referral__infant=other_team.infant, slot__neurologist_name="Dr. Theirs")
    sign_in_verified(client, team.caregiver)
    page = client.get(reverse("workups:portal-appointments")).content.decode()
    assert mine.slot.neurologist_name in page
    assert "Dr. Theirs" not in page
    assert client.get(reverse("workups:worklist")).status_code == 403


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("workups:worklist", lambda team: FollowUpFactory(infant=team.infant, assignee=team.nurse)),
        (
            "workups:order-list",
            lambda team: TestOrderFactory(
                infant=team.infant,
                ordered_by=team.pediatrician,
                assessment=team.assessment,
                status=OrderStatus.COLLECTED,
            ),
        ),
    ],
)
def test_list_pages_keep_a_fixed_number_of_queries(
    client, team, django_assert_max_num_queries, name, make
):
    team.assessment = AssessmentFactory(infant=team.infant)
    sign_in_verified(client, team.nurse)
    counts = []
    for rows in (3, 30):
        FollowUpTask.objects.all().delete()
        TestOrder.objects.all().delete()
        for _ in range(rows):
            make(team)
        # The page's reads and the one audit row naming the infants shown.
        with django_assert_max_num_queries(11) as captured:
            response = client.get(reverse(name))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("nurse", ["Worklist", "Orders"], ["Slots"]),
        ("pediatrician", ["Worklist", "Orders", "Referrals", "Alerts"], ["Slots"]),
        ("admin", ["Orders", "Referrals", "Slots"], []),
    ],
)
def test_navigation_offers_the_work_up_pages_by_role(client, team, role, shown, hidden):
    sign_in_verified(client, getattr(team, role))
    html = client.get(reverse("workups:order-list")).content.decode()
    assert all(f">{label}<" in html for label in shown)
    assert not any(f">{label}<" in html for label in hidden)


def test_staff_pick_an_infant_of_their_clinic_to_order_for_or_refer(client, team, other_team):
    sign_in_verified(client, team.pediatrician)
    page = client.get(reverse("workups:order-list")).content.decode()
    assert team.infant.full_name in page
    assert other_team.infant.full_name not in page
    pick = reverse("workups:infant-pick")
    response = client.get(pick, {"infant": str(team.infant.uuid), "then": "refer"})
    assert response["Location"] == reverse(
        "workups:referral-create", kwargs={"infant_id": team.infant.uuid}
    )
    theirs = client.get(pick, {"infant": str(other_team.infant.uuid), "then": "order"})
    assert theirs.status_code == 404
    probe = AuditEvent.objects.get(action="denied", actor=team.pediatrician)
    assert probe.infant_uuid == other_team.infant.uuid
    assert probe.detail["probed"][0] == {
        "in": "query",
        "name": "infant",
        "id": str(other_team.infant.uuid),
    }


@pytest.mark.django_db
def test_a_clinician_adds_a_follow_up_from_the_case_page(client):
    nurse = staff(Role.NURSE)
    infant = InfantFactory(clinic=nurse.memberships.get().clinic)
    sign_in_verified(client, nurse)
    case_html = client.get(reverse("dashboard:case", args=[infant.uuid])).content.decode()
    url = reverse("workups:follow-up-add", kwargs={"infant_id": infant.uuid})
    assert url in case_html
    due = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url, {"kind": "call_caregiver", "description": "Check feeding", "due_at": due}
    )
    assert response.status_code == 302
    task = FollowUpTask.objects.get(infant=infant)
    assert task.created_by == nurse
    assert task.description == "Check feeding"
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, {"kind": "call_caregiver", "description": "x", "due_at": past})
    assert refused.status_code == 200
    assert "in the past" in refused.content.decode()
    assert FollowUpTask.objects.filter(infant=infant).count() == 1
