from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workups.factories import (
    AppointmentFactory,
    AssessmentFactory,
    FollowUpFactory,
    ReferralFactory,
    SlotFactory,
    TestOrderFactory,
)
from workups.models import (
    Appointment,
    CriticalAlert,
    FollowUpStatus,
    FollowUpTask,
    NeurologySlot,
    OrderStatus,
    TestOrder,
)
from workups.services import result_record

pytestmark = pytest.mark.django_db


def _objects(team) -> dict:
    """One of each work-up object in the team's clinic, keyed by the URL kwarg that names it."""
    order = TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician)
    critical = result_record(
        order=TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician),
        recorded_by=team.nurse,
        value=20,
        unit="mg/dL",
    )
    return {
        "order_uuid": order.uuid,
        "critical_alert_uuid": critical.critical_alert.uuid,
        "appointment_uuid": AppointmentFactory(referral__infant=team.infant).uuid,
        "referral_uuid": ReferralFactory(
            infant=team.infant, created_by=team.pediatrician, status="proposed"
        ).uuid,
        "followup_uuid": FollowUpFactory(infant=team.infant).uuid,
        "slot_uuid": SlotFactory(clinic=team.clinic).uuid,
        "infant": team.infant.uuid,
        "assessment": AssessmentFactory(infant=team.infant).uuid,
    }


# (method, url name, kwarg or None, payload naming the other clinic's object by key)
ENDPOINTS = [
    ("post", "api:order-list", None, {"infant": "infant", "test": "pth", "priority": "routine",
                                     "reason_text": "x"}),
    ("post", "api:orders-from-assessment", None, {"assessment": "assessment"}),
    ("post", "api:order-transition", "order_uuid", {"to_status": "scheduled"}),
    ("post", "api:result-create", "order_uuid", {"value": 50, "unit": "mg/dL"}),
    ("post", "api:critical-alert-acknowledge", "critical_alert_uuid", {}),
    ("post", "api:referral-list", None, {"infant": "infant", "reason": "x"}),
    ("post", "api:appointment-outcome", "appointment_uuid", {"outcome": "attended"}),
    ("post", "api:appointment-confirm", "appointment_uuid", {}),
    ("post", "api:referral-confirm", "referral_uuid", {}),
    ("post", "api:follow-up-complete", "followup_uuid", {"outcome_note": "Called"}),
    ("post", "api:follow-up-reassign", "followup_uuid", {"assignee": None}),
    ("get", "api:slot-detail", "slot_uuid", None),
    ("patch", "api:slot-detail", "slot_uuid", {"location": "Elsewhere"}),
    ("delete", "api:slot-detail", "slot_uuid", None),
]  # fmt: skip
LISTS = [
    "api:order-list",
    "api:result-list",
    "api:critical-alert-list",
    "api:referral-list",
    "api:appointment-list",
    "api:follow-up-list",
    "api:slot-list",
]


@pytest.mark.parametrize(("method", "name", "kwarg", "payload"), ENDPOINTS)
def test_another_clinics_object_is_a_404_on_every_endpoint(
    team, other_team, token_client, method, name, kwarg, payload
):
    theirs = _objects(other_team)
    url = reverse(name, kwargs={kwarg: theirs[kwarg]} if kwarg else None)
    body = {k: str(theirs[v]) if v in theirs else v for k, v in (payload or {}).items()}
    response = getattr(token_client(team.admin), method)(url, body, format="json")
    assert response.status_code == 404, response.content


@pytest.mark.parametrize("name", LISTS)
def test_lists_show_only_the_own_clinics_rows(team, other_team, token_client, name):
    mine, theirs = _objects(team), _objects(other_team)
    response = token_client(team.admin).get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert not any(str(value) in body for value in theirs.values())
    assert response.json()["count"] >= 1
    assert str(mine["infant"]) in body or "neurologist_name" in body


def test_a_pediatrician_orders_and_a_nurse_moves_the_order_along(team, token_client):
    response = token_client(team.pediatrician).post(
        reverse("api:order-list"),
        {"infant": str(team.infant.uuid), "test": "ionized_calcium", "priority": "stat",
         "reason_text": "Jittery at 3 days"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["loinc"], order["engine_code"], order["status"]) == (
        "1994-3",
        "ionized_calcium",
        "ordered",
    )
    url = reverse("api:order-transition", kwargs={"order_uuid": order["id"]})
    nurse = token_client(team.nurse)
    assert nurse.post(url, {"to_status": "scheduled"}).json()["status"] == "scheduled"
    refused = nurse.post(url, {"to_status": "reviewed"})
    assert refused.status_code == 400
    assert "to_status" in refused.json()
    assert nurse.post(url, {"to_status": "cancelled"}).status_code == 400, "needs a reason"


def test_nurses_cannot_order_tests(team, token_client):
    response = token_client(team.nurse).post(
        reverse("api:order-list"),
        {"infant": str(team.infant.uuid), "test": "pth", "priority": "routine", "reason_text": "x"},
    )
    assert response.status_code == 403


def test_one_click_ordering_from_an_assessment(team, token_client):
    assessment = AssessmentFactory(infant=team.infant)
    response = token_client(team.pediatrician).post(
        reverse("api:orders-from-assessment"), {"assessment": str(assessment.uuid)}
    )
    assert response.status_code == 201
    assert sorted(o["test"] for o in response.json()) == ["glucose_plasma", "total_calcium"]


def test_an_unknown_unit_is_a_400_naming_unit_and_the_allowed_units(team, token_client):
    order = TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician)
    response = token_client(team.nurse).post(
        reverse("api:result-create", kwargs={"order_uuid": order.uuid}),
        {"value": 3.1, "unit": "mmol"},
    )
    assert response.status_code == 400
    (message,) = response.json()["unit"]
    assert "mg/dL" in message
    assert "mmol/L" in message


def test_a_critical_result_through_the_api_alerts_and_is_acknowledged(team, token_client):
    order = TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician)
    response = token_client(team.nurse).post(
        reverse("api:result-create", kwargs={"order_uuid": order.uuid}),
        {"value": 1.9, "unit": "mmol/L"},
    )
    assert response.status_code == 201
    assert response.json()["flag"] == "critical"
    alert = CriticalAlert.objects.get()
    url = reverse("api:critical-alert-acknowledge", kwargs={"critical_alert_uuid": alert.uuid})
    assert token_client(team.nurse).post(url).status_code == 403
    acknowledged = token_client(team.pediatrician).post(url).json()
    assert acknowledged["acknowledged_at"] is not None


def test_a_referral_is_created_and_booked_after_commit(
    team, token_client, django_capture_on_commit_callbacks
):
    SlotFactory(clinic=team.clinic, starts_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(team.pediatrician).post(
            reverse("api:referral-list"),
            {"infant": str(team.infant.uuid), "reason": "Clusters", "urgency": "urgent"},
        )
    assert response.status_code == 201
    assert Appointment.objects.get().referral.uuid.hex == response.json()["id"].replace("-", "")


def test_caregivers_see_only_their_childs_upcoming_appointments_read_only(
    team, other_team, token_client
):
    mine = AppointmentFactory(referral__infant=team.infant)
    AppointmentFactory(
        referral__infant=team.infant, slot__starts_at=timezone.now() - timedelta(days=1)
    )
    AppointmentFactory(referral__infant=other_team.infant)
    caregiver = token_client(team.caregiver)
    listed = caregiver.get(reverse("api:appointment-list")).json()["results"]
    assert [a["id"] for a in listed] == [str(mine.uuid)]
    outcome = reverse("api:appointment-outcome", kwargs={"appointment_uuid": mine.uuid})
    assert caregiver.post(outcome, {"outcome": "attended"}).status_code == 403
    assert caregiver.get(reverse("api:order-list")).status_code == 403


def test_a_no_show_through_the_api_lands_on_the_worklist(team, token_client):
    appointment = AppointmentFactory(referral__infant=team.infant)
    response = token_client(team.nurse).post(
        reverse("api:appointment-outcome", kwargs={"appointment_uuid": appointment.uuid}),
        {"outcome": "no_show"},
    )
    assert response.status_code == 200
    assert FollowUpTask.objects.get().kind == "call_caregiver"


def test_follow_ups_are_completed_with_a_note_and_reassigned(team, token_client):
    task = FollowUpFactory(infant=team.infant)
    client = token_client(team.nurse)
    reassign = reverse("api:follow-up-reassign", kwargs={"followup_uuid": task.uuid})
    assert client.post(reassign, {"assignee": str(team.nurse.uuid)}).status_code == 200
    assert client.post(reassign, {"assignee": str(team.admin.uuid)}).status_code == 400
    mine = client.get(reverse("api:follow-up-list"), {"assignee": "me"}).json()
    assert [t["id"] for t in mine["results"]] == [str(task.uuid)]
    complete = reverse("api:follow-up-complete", kwargs={"followup_uuid": task.uuid})
    assert client.post(complete, {"outcome_note": ""}).status_code == 400
    assert client.post(complete, {"outcome_note": "Mother will film"}).status_code == 200
    task.refresh_from_db()
    assert task.status == FollowUpStatus.DONE


def test_clinic_admins_manage_slots_and_others_only_read_them(team, token_client):
    admin = token_client(team.admin)
    payload = {
        "neurologist_name": "Dr. Lobe",
        "location": "Room 4",
        "starts_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "length_minutes": 45,
    }
    assert token_client(team.pediatrician).post(reverse("api:slot-list"), payload).status_code == (
        403
    )
    created = admin.post(reverse("api:slot-list"), payload)
    assert created.status_code == 201
    url = reverse("api:slot-detail", kwargs={"slot_uuid": created.json()["id"]})
    assert token_client(team.nurse).get(url).status_code == 200
    assert admin.patch(url, {"location": "Room 5"}).json()["location"] == "Room 5"
    assert admin.delete(url).status_code == 204
    assert not NeurologySlot.objects.exists()


def test_a_booked_slot_cannot_be_removed(team, token_client):
    appointment = AppointmentFactory(referral__infant=team.infant)
    url = reverse("api:slot-detail", kwargs={"slot_uuid": appointment.slot.uuid})
    assert token_client(team.admin).delete(url).status_code == 400


@pytest.mark.parametrize("name", ["api:order-list", "api:follow-up-list"])
def test_list_endpoints_keep_a_fixed_number_of_queries(
    team, token_client, django_assert_max_num_queries, name
):
    counts = []
    for rows in (3, 30):
        client = token_client(team.nurse)
        TestOrder.objects.all().delete()
        FollowUpTask.objects.all().delete()
        assessment = AssessmentFactory(infant=team.infant)
        for _ in range(rows):
            TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician,
                             assessment=assessment, status=OrderStatus.SCHEDULED)  # fmt: skip
            FollowUpFactory(infant=team.infant, assignee=team.nurse)
        with django_assert_max_num_queries(6) as captured:
            assert client.get(reverse(name)).json()["count"] == rows
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
