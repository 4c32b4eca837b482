"""The triage table is the one source of what a level means: the model's choices, its rank, the
referral urgency, the order priority, the alerting levels, the open-concern range, the badge
colour and the infant's stored rank all read it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from assessments.engine.vocabulary import (
    OPEN_CONCERN_FROM_RANK,
    TRIAGE,
    TRIAGE_LEVEL,
    TRIAGE_TABLE,
    triage_rank,
)
from assessments.models import URGENT_TRIAGE, Triage
from assessments.services import infant_standing_fields
from patients.services import infant_record_standing
from tests.factories import InfantFactory
from workups.models import URGENCY_FOR_TRIAGE, Priority, ReferralUrgency
from workups.services import PRIORITY_FOR_TRIAGE

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()


def test_levels_rank_from_least_to_most_urgent_in_table_order():
    assert [level.rank for level in TRIAGE_TABLE] == list(range(len(TRIAGE_TABLE)))
    assert triage_rank(None) == -1
    assert triage_rank("") == -1
    assert Triage.rank("not-a-level") == -1


@pytest.mark.parametrize("level", TRIAGE_TABLE, ids=lambda level: level.code)
def test_every_reader_takes_the_level_from_the_table(level):
    assert Triage(level.code).label == level.label
    assert Triage.rank(level.code) == level.rank
    assert dict(TRIAGE)[level.code] == level.caregiver_label
    assert URGENCY_FOR_TRIAGE[level.code] == ReferralUrgency(level.referral_urgency)
    assert PRIORITY_FOR_TRIAGE[level.code] == Priority(level.order_priority)
    assert level.referral_urgency in settings.REFERRAL_DEADLINE_HOURS
    assert (level.code in URGENT_TRIAGE) is level.urgent
    assert (level.rank >= OPEN_CONCERN_FROM_RANK) is level.open_concern
    assert f".{level.css_class} " in CSS


def test_the_model_offers_exactly_the_tables_levels():
    assert Triage.values == [level.code for level in TRIAGE_TABLE]


def test_open_concern_levels_are_one_range_at_the_top():
    concern = [level.open_concern for level in TRIAGE_TABLE]
    assert concern == sorted(concern), "an index range on the stored rank needs them contiguous"


@pytest.mark.django_db
@pytest.mark.parametrize("code", [*TRIAGE_LEVEL, ""])
def test_the_stored_rank_is_derived_from_the_triage(code):
    infant = InfantFactory()
    infant_record_standing(
        infant=infant,
        standing=infant_standing_fields(
            triage=code, leading_cause="", advice="", at=timezone.now()
        ),
    )
    infant.refresh_from_db()
    assert infant.current_triage_rank == triage_rank(code)
