"""The database, the forms and the engine speak one vocabulary: contract 2's (ruleset 2.0.0)."""

import pytest

from assessments.engine import vocabulary
from assessments.models import Cause, Triage
from episodes.models import Associated, MovementType
from patients.models import (
    DevelopmentStatus,
    FamilyHistory,
    Feeding,
    Fontanelle,
    Head,
    MaternalDrug,
    MedicationDrug,
    MedicationResponse,
    NeuroExam,
    SizeForGestationalAge,
    SkinSign,
)
from workups.models import StudyInterpretation


def codes(vocab) -> set[str]:
    return {code for code, _ in vocab}


@pytest.mark.parametrize(
    ("choices", "engine_vocabulary"),
    [
        (Triage, vocabulary.TRIAGE),
        (Cause, vocabulary.CAUSE_2),
        (Feeding, vocabulary.FEEDING),
        (DevelopmentStatus, vocabulary.DEVELOPMENT),
        (FamilyHistory, vocabulary.FAMILY_HISTORY_2),
        (MovementType, vocabulary.MOVEMENT_TYPE_2),
        (Associated, vocabulary.ASSOCIATED_2),
        (MaternalDrug, vocabulary.MATERNAL_DRUG_EXPOSURE_2),
        (SizeForGestationalAge, vocabulary.SIZE_FOR_GESTATIONAL_AGE_2),
        (SkinSign, vocabulary.SKIN_SIGNS_2),
        (Head, vocabulary.HEAD_2),
        (Fontanelle, vocabulary.FONTANELLE_2),
        (MedicationDrug, vocabulary.MEDICATION_DRUG_2),
        (MedicationResponse, vocabulary.MEDICATION_RESPONSE_2),
        (StudyInterpretation, vocabulary.EEG_INTERPRETATION_2),
    ],
)
def test_database_choices_are_the_engines_codes(choices, engine_vocabulary):
    assert set(choices.values) == codes(engine_vocabulary)


def test_the_examination_keeps_the_single_value_of_ruleset_1_for_old_records():
    assert set(NeuroExam.values) == codes(vocabulary.NEURO_EXAM_2) | {
        vocabulary.NEURO_EXAM_ABNORMAL_TONE
    }


def test_triage_rank_follows_the_engines_order():
    ranked = sorted(Triage.values, key=Triage.rank)
    assert ranked == [code for code, _ in vocabulary.TRIAGE]
