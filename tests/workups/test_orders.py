from datetime import timedelta
from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.workups.factories import AssessmentFactory, TestOrderFactory
from workups.models import (
    ORDER_TRANSITIONS,
    TEST_CATALOGUE,
    OrderedTest,
    OrderEvent,
    OrderStatus,
    Priority,
    Result,
)
from workups.services import order_create, order_transition, orders_from_assessment

pytestmark = pytest.mark.django_db

S = OrderStatus
# Written out independently of ORDER_TRANSITIONS: the lifecycle as the clinic describes it.
EXPECTED_VALID = {
    (S.ORDERED, S.SCHEDULED),
    (S.ORDERED, S.COLLECTED),
    (S.ORDERED, S.PERFORMED),
    (S.ORDERED, S.CANCELLED),
    (S.SCHEDULED, S.COLLECTED),
    (S.SCHEDULED, S.PERFORMED),
    (S.SCHEDULED, S.CANCELLED),
    (S.COLLECTED, S.RESULTED),
    (S.COLLECTED, S.CANCELLED),
    (S.PERFORMED, S.RESULTED),
    (S.PERFORMED, S.CANCELLED),
    (S.RESULTED, S.REVIEWED),
}
ALL_PAIRS = list(product(S.values, S.values))
TABLE_VALID = {(a, b) for a, targets in ORDER_TRANSITIONS.items() for b in targets}


def test_the_transition_table_matches_the_lifecycle_written_out_by_hand():
    assert TABLE_VALID == EXPECTED_VALID
    assert set(ORDER_TRANSITIONS) == set(S.values)


def _order_in(status, team):
    """An order in the given status; from collected or performed on, its result is in."""
    cancel_reason = "Ordered twice" if status == S.CANCELLED else ""
    order = TestOrderFactory(
        infant=team.infant, ordered_by=team.pediatrician, status=status, cancel_reason=cancel_reason
    )
    if status in (S.COLLECTED, S.PERFORMED, S.RESULTED, S.REVIEWED):
        Result.objects.create(
            order=order,
            infant=team.infant,
            collected_at=timezone.now(),
            age_hours_at_collection=240,
            value=70,
            unit="mg/dL",
            recorded_by=team.nurse,
        )
    return order


@pytest.mark.parametrize(("from_status", "to_status"), sorted(EXPECTED_VALID))
def test_every_valid_transition_is_made_and_recorded_with_who_and_when(
    team, from_status, to_status
):
    order = _order_in(from_status, team)
    at = timezone.now() - timedelta(minutes=5)
    order = order_transition(
        order=order, to_status=to_status, actor=team.nurse, reason="Family moved away", at=at
    )
    order.refresh_from_db()
    assert order.status == to_status
    event = OrderEvent.objects.get(order=order)
    assert (event.from_status, event.to_status, event.actor, event.occurred_at) == (
        from_status,
        to_status,
        team.nurse,
        at,
    )


@pytest.mark.parametrize(
    ("from_status", "to_status"), [pair for pair in ALL_PAIRS if pair not in EXPECTED_VALID]
)
def test_every_invalid_transition_is_refused_and_leaves_the_order_as_it_was(
    team, from_status, to_status
):
    order = _order_in(from_status, team)
    with pytest.raises(ValidationError) as error:
        order_transition(order=order, to_status=to_status, actor=team.nurse, reason="x")
    assert "to_status" in error.value.message_dict
    order.refresh_from_db()
    assert order.status == from_status
    assert not OrderEvent.objects.filter(order=order).exists()


@pytest.mark.parametrize(("from_status", "to_status"), sorted(TABLE_VALID))
def test_the_table_and_the_service_agree_on_every_allowed_move(team, from_status, to_status):
    order = _order_in(from_status, team)
    assert order_transition(order=order, to_status=to_status, actor=None, reason="r").status == (
        to_status
    )


def test_an_order_is_resulted_only_by_recording_its_result(team):
    order = TestOrderFactory(infant=team.infant, ordered_by=team.pediatrician, status=S.COLLECTED)
    with pytest.raises(ValidationError) as error:
        order_transition(order=order, to_status=S.RESULTED, actor=team.nurse)
    assert "recording its result" in str(error.value)


def test_cancelling_needs_a_reason(team):
    order = _order_in(S.ORDERED, team)
    with pytest.raises(ValidationError) as error:
        order_transition(order=order, to_status=S.CANCELLED, actor=team.pediatrician)
    assert "reason" in error.value.message_dict
    order_transition(
        order=order, to_status=S.CANCELLED, actor=team.pediatrician, reason="Duplicate"
    )
    order.refresh_from_db()
    assert order.cancel_reason == "Duplicate"


@pytest.mark.parametrize(
    ("priority", "hours"), [(Priority.STAT, 1), (Priority.URGENT, 24), (Priority.ROUTINE, 168)]
)
def test_due_time_follows_the_priority(team, priority, hours):
    now = timezone.now()
    order = order_create(
        infant=team.infant,
        test=OrderedTest.MAGNESIUM,
        priority=priority,
        ordered_by=team.pediatrician,
        reason_text="Jitters",
        now=now,
    )
    assert order.due_by == now + timedelta(hours=hours)
    assert order.events.get().to_status == S.ORDERED


def test_an_order_without_an_assessment_needs_a_reason(team):
    with pytest.raises(ValidationError) as error:
        order_create(
            infant=team.infant,
            test=OrderedTest.PTH,
            priority=Priority.ROUTINE,
            ordered_by=team.pediatrician,
        )
    assert "reason_text" in error.value.message_dict


def test_both_glucose_kinds_map_to_the_engine_glucose_with_their_method_and_loinc():
    poc = TEST_CATALOGUE[OrderedTest.GLUCOSE_POINT_OF_CARE]
    lab = TEST_CATALOGUE[OrderedTest.GLUCOSE_PLASMA]
    assert (poc.engine_code, poc.method, poc.loinc) == ("glucose", "point_of_care", "41653-7")
    assert (lab.engine_code, lab.method, lab.loinc) == ("glucose", "laboratory", "2345-7")
    assert TEST_CATALOGUE[OrderedTest.IONIZED_CALCIUM].loinc == "1994-3"
    studies = {t for t, spec in TEST_CATALOGUE.items() if spec.is_study}
    assert studies == {
        OrderedTest.EEG,
        OrderedTest.VIDEO_EEG,
        OrderedTest.MRI_BRAIN,
        OrderedTest.INFECTION_WORKUP,
        OrderedTest.CRANIAL_ULTRASOUND,
    }
    assert all(spec.loinc for t, spec in TEST_CATALOGUE.items() if not spec.is_study and
               t != OrderedTest.CRITICAL_SAMPLE)  # fmt: skip


def test_one_click_orders_the_recommended_tests_once_with_the_triage_priority(team):
    assessment = AssessmentFactory(
        infant=team.infant,
        result={"recommended_tests": ["glucose", "total_calcium", "video_eeg"]},
    )
    orders = orders_from_assessment(assessment=assessment, ordered_by=team.pediatrician)
    assert sorted(o.test for o in orders) == ["glucose_plasma", "total_calcium", "video_eeg"]
    assert {o.priority for o in orders} == {Priority.URGENT}
    assert all(o.assessment == assessment for o in orders)
    assert orders_from_assessment(assessment=assessment, ordered_by=team.pediatrician) == []
