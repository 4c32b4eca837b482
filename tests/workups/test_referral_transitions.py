"""The referral lifecycle is REFERRAL_TRANSITIONS: every (from, to) pair of statuses is tried, the
table's moves are made and recorded as a ReferralEvent, every other move is refused and changes
nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.workups.factories import ReferralFactory
from workups.models import (
    REFERRAL_START_STATUSES,
    REFERRAL_TRANSITIONS,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferralUrgency,
)
from workups.services import referral_transition

ALL_PAIRS = [(from_, to) for from_ in ReferralStatus.values for to in ReferralStatus.values]
START_PAIRS = [("", to) for to in ReferralStatus.values]


def test_the_table_names_every_status_and_only_statuses():
    assert set(REFERRAL_TRANSITIONS) == set(ReferralStatus.values)
    for allowed in REFERRAL_TRANSITIONS.values():
        assert allowed <= set(ReferralStatus.values)
    assert set(ReferralStatus.values) >= REFERRAL_START_STATUSES


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_a_referral_moves_only_along_the_transition_table(from_status, to_status, team):
    referral = ReferralFactory(infant=team.infant, status=from_status)
    at = timezone.now() - timedelta(minutes=3)
    if to_status in REFERRAL_TRANSITIONS[from_status]:
        referral_transition(
            referral=referral, to_status=to_status, actor=team.pediatrician, note="why", at=at
        )
        referral.refresh_from_db()
        assert referral.status == to_status
        event = ReferralEvent.objects.get(referral=referral)
        assert (event.from_status, event.to_status, event.actor, event.occurred_at, event.note) == (
            from_status,
            to_status,
            team.pediatrician,
            at,
            "why",
        )
    else:
        with pytest.raises(ValidationError) as refused:
            referral_transition(referral=referral, to_status=to_status, actor=team.pediatrician)
        assert "allowed:" in refused.value.message_dict["status"][0]
        assert Referral.objects.get(pk=referral.pk).status == from_status
        assert not ReferralEvent.objects.filter(referral=referral).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), START_PAIRS)
def test_a_new_referral_starts_only_in_a_starting_status(from_status, to_status, team):
    referral = Referral(
        infant=team.infant,
        urgency=ReferralUrgency.URGENT,
        deadline=timezone.now() + timedelta(days=7),
        reason="Jerks",
        created_by=team.pediatrician,
    )
    if to_status in REFERRAL_START_STATUSES:
        referral_transition(referral=referral, to_status=to_status, actor=team.pediatrician)
        event = ReferralEvent.objects.get(referral=referral)
        assert (event.from_status, event.to_status) == ("", to_status)
        assert Referral.objects.get(pk=referral.pk).status == to_status
    else:
        with pytest.raises(ValidationError):
            referral_transition(referral=referral, to_status=to_status, actor=team.pediatrician)
        assert not Referral.objects.exists()


@pytest.mark.django_db
def test_the_transition_reads_the_stored_status_not_a_stale_copy(team):
    referral = ReferralFactory(infant=team.infant, status=ReferralStatus.AWAITING_BOOKING)
    stale = Referral.objects.get(pk=referral.pk)
    referral_transition(referral=referral, to_status=ReferralStatus.ESCALATED, actor=None)
    with pytest.raises(ValidationError):
        referral_transition(
            referral=stale, to_status=ReferralStatus.ESCALATED, actor=team.pediatrician
        )
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_to_rewrite_a_referrals_history(team):
    from django.db import DatabaseError, transaction

    referral = ReferralFactory(infant=team.infant, status=ReferralStatus.AWAITING_BOOKING)
    referral_transition(referral=referral, to_status=ReferralStatus.ESCALATED, actor=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReferralEvent.objects.filter(referral=referral).update(note="rewritten")
    assert ReferralEvent.objects.get(referral=referral).note == ""
