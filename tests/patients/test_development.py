from datetime import date, timedelta

import pytest
from django.utils import timezone

from patients.development import MILESTONE_WINDOWS, LogEntry, development_status_derive
from patients.models import DevelopmentStatus, Milestone
from patients.selectors import infant_development_status
from tests.factories import InfantFactory, MilestoneEntryFactory

TODAY = date(2025, 6, 1)


def derive(age_days, entries, effective_age_days=None):
    return development_status_derive(
        age_days=age_days,
        effective_age_days=age_days if effective_age_days is None else effective_age_days,
        entries=[LogEntry(m, s, TODAY - timedelta(days=ago)) for m, s, ago in entries],
        today=TODAY,
    )


def test_every_milestone_has_a_window_with_a_cited_source():
    assert set(MILESTONE_WINDOWS) == set(Milestone)
    for window in MILESTONE_WINDOWS.values():
        assert window.typical_months < window.concern_months
        assert "Pediatrics 2022" in window.source or "Acta Paediatr 2006" in window.source


def test_neonate_is_not_applicable_whatever_the_log():
    assert derive(27, [("social_smile", "lost", 1)]) == DevelopmentStatus.NOT_APPLICABLE_NEONATE


def test_empty_log_is_age_appropriate():
    assert derive(200, []) == DevelopmentStatus.AGE_APPROPRIATE


def test_milestone_achieved_then_lost_is_a_regression():
    entries = [("social_smile", "achieved", 40), ("social_smile", "lost", 2)]
    assert derive(180, entries) == DevelopmentStatus.REGRESSION


def test_milestone_regained_after_loss_is_no_longer_a_regression():
    entries = [("social_smile", "lost", 20), ("social_smile", "achieved", 2)]
    assert derive(180, entries) == DevelopmentStatus.AGE_APPROPRIATE


def test_not_yet_past_the_concern_age_is_delayed():
    # Social smile: concern at 4 months (122 days).
    assert derive(130, [("social_smile", "not_yet", 1)]) == DevelopmentStatus.DELAYED
    assert derive(110, [("social_smile", "not_yet", 1)]) == DevelopmentStatus.AGE_APPROPRIATE


def test_preterm_infant_is_judged_on_corrected_age():
    # 130 days old but born 8 weeks early: corrected age 74 days, before the concern age.
    entries = [("social_smile", "not_yet", 1)]
    assert derive(130, entries, effective_age_days=74) == DevelopmentStatus.AGE_APPROPRIATE


def test_no_new_milestone_over_the_window_while_milestones_are_due_is_a_plateau():
    entries = [
        ("social_smile", "achieved", 90),
        ("head_steady", "not_yet", 50),
        ("rolls_over", "not_yet", 5),
    ]
    assert derive(200, entries) == DevelopmentStatus.PLATEAU


def test_a_recent_achievement_breaks_the_plateau():
    entries = [
        ("social_smile", "achieved", 90),
        ("head_steady", "not_yet", 50),
        ("head_steady", "achieved", 5),
    ]
    assert derive(200, entries) != DevelopmentStatus.PLATEAU


def test_a_short_log_is_not_a_plateau():
    assert derive(200, [("head_steady", "not_yet", 5)]) != DevelopmentStatus.PLATEAU


@pytest.mark.django_db
def test_selector_prefers_a_clinicians_override():
    infant = InfantFactory(born_at=timezone.now() - timedelta(days=150))
    MilestoneEntryFactory(infant=infant, status="lost")
    assert infant_development_status(infant) == DevelopmentStatus.REGRESSION
    infant.development_status_override = DevelopmentStatus.DELAYED
    infant.development_override_reason = "Examined in clinic"
    assert infant_development_status(infant) == DevelopmentStatus.DELAYED
