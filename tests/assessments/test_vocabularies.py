"""The database, the forms and the engine speak one vocabulary."""

import pytest

from assessments.engine import vocabulary
from assessments.models import Cause, Triage
from patients.models import DevelopmentStatus, FamilyHistory, Feeding, NeuroExam


def codes(vocab) -> list[str]:
    return [code for code, _ in vocab]


@pytest.mark.parametrize(
    ("choices", "engine_vocabulary"),
    [
        (Triage, vocabulary.TRIAGE),
        (Cause, vocabulary.CAUSE),
        (Feeding, vocabulary.FEEDING),
        (DevelopmentStatus, vocabulary.DEVELOPMENT),
        (NeuroExam, vocabulary.NEURO_EXAM),
        (FamilyHistory, vocabulary.FAMILY_HISTORY),
    ],
)
def test_database_choices_are_the_engines_codes(choices, engine_vocabulary):
    assert list(choices.values) == codes(engine_vocabulary)


def test_triage_rank_follows_the_engines_order():
    ranked = sorted(Triage.values, key=Triage.rank)
    assert ranked == codes(vocabulary.TRIAGE)
