"""The database, the forms and the engine speak one vocabulary."""

import pytest

from assessments.engine import vocabulary
from assessments.models import Cause, Triage
from episodes.models import Associated, MovementType
from patients.models import DevelopmentStatus, FamilyHistory, Feeding, NeuroExam

# Codes section 0b (contract 2) adds; the engine's vocabulary gains them with ruleset 2.0.0.
CONTRACT_2_ADDITIONS = {
    "cause": {"infection_sepsis_meningitis", "drug_exposure_or_withdrawal"},
    "neuro_exam": {"hypertonia", "hypotonia"},
    "family_history": {"tuberous_sclerosis", "consanguinity"},
    "movement_type": {"pedalling_or_boxing", "oral_automatisms"},
    "associated": {
        "high_pitched_cry",
        "vomiting",
        "inconsolable_crying",
        "jaundice",
        "arching_or_opisthotonus",
    },
}


def codes(vocab) -> list[str]:
    return [code for code, _ in vocab]


@pytest.mark.parametrize(
    ("name", "choices", "engine_vocabulary"),
    [
        ("triage", Triage, vocabulary.TRIAGE),
        ("cause", Cause, vocabulary.CAUSE),
        ("feeding", Feeding, vocabulary.FEEDING),
        ("development", DevelopmentStatus, vocabulary.DEVELOPMENT),
        ("neuro_exam", NeuroExam, vocabulary.NEURO_EXAM),
        ("family_history", FamilyHistory, vocabulary.FAMILY_HISTORY),
        ("movement_type", MovementType, vocabulary.MOVEMENT_TYPE),
        ("associated", Associated, vocabulary.ASSOCIATED),
    ],
)
def test_database_choices_are_the_engines_codes(name, choices, engine_vocabulary):
    engine_codes = set(codes(engine_vocabulary))
    assert engine_codes <= set(choices.values), "every engine code can be stored"
    assert set(choices.values) - engine_codes <= CONTRACT_2_ADDITIONS.get(name, set()), (
        "the database stores nothing the engine's contracts do not name"
    )


def test_triage_rank_follows_the_engines_order():
    ranked = sorted(Triage.values, key=Triage.rank)
    assert ranked == codes(vocabulary.TRIAGE)
