"""Contract-2 case builders for the ruleset 2.0.0 tests (CLINICAL_CRITERIA.md section 0b).

``case_2()`` is a fully answered textbook physiological jitteriness in a 10-day-old term infant
(episode at 240 h of age): every reassure-and-monitor condition holds under 2.0.0. Tests change
one thing at a time.
"""

import copy

from assessments.engine import score
from tests.assessments.engine.cases import (
    CLONIC_EPISODE,
    JITTERY_EPISODE,
    SLEEP_JERKS_EPISODE,
    SPASM_CLUSTER_EPISODE,
    STARTLE_EPISODE,
)

INFANT_2 = {
    "age_days": 10,
    "gestational_weeks": 39,
    "birth_weight_g": 3300,
    "maternal_diabetes": False,
    "maternal_drug_exposure": [],
    "size_for_gestational_age": "aga",
    "feeding": "breast",
    "development": "not_applicable_neonate",
    "neuro_exam": ["normal"],
    "family_history": [],
    "skin_signs": [],
    "head": "normal",
    "fontanelle": "normal",
    "medications": [],
}
JITTERY_2 = {**JITTERY_EPISODE, "age_hours": 240, "temperature_c": 36.8}
SLEEP_JERKS_2 = {**SLEEP_JERKS_EPISODE, "age_hours": 240, "temperature_c": 36.8}
STARTLE_2 = {**STARTLE_EPISODE, "age_hours": 240, "temperature_c": 36.8}
SPASMS_2 = {**SPASM_CLUSTER_EPISODE, "age_hours": 240, "temperature_c": 36.8}
CLONIC_2 = {**CLONIC_EPISODE, "age_hours": 240, "temperature_c": 36.8}


def case_2(*episodes: dict, results: list | None = None, **infant) -> dict:
    """A contract-2 case: the complete infant (overridden by ``infant``) and the episodes. An
    episode without ``age_hours`` is dated at the infant's age."""
    record = {**INFANT_2, **infant}
    chosen = [copy.deepcopy(e) for e in episodes or (JITTERY_2,)]
    for episode in chosen:
        if "age_hours" in episode and episode["age_hours"] == 240 and "age_days" in infant:
            episode["age_hours"] = None if infant["age_days"] is None else infant["age_days"] * 24
    return {"infant": record, "episodes": chosen, "results": copy.deepcopy(results or [])}


def ep(base: dict = JITTERY_2, **changes) -> dict:
    return {**copy.deepcopy(base), **changes}


def lab(test: str, value: float, unit: str = "mg/dL", age_hours: float | None = 240) -> dict:
    return {"test": test, "value": value, "unit": unit, "age_hours": age_hours}


def eeg(interpretation="normal", *, test="video_eeg", types=None, captured=True, age_hours=250):
    result = {
        "test": test,
        "interpretation": interpretation,
        "age_hours": age_hours,
        "captured_typical_event": captured,
    }
    if types is not None:
        result["captured_event_types"] = types
    return result


def score_2(case: dict) -> dict:
    return score(case, ruleset="2.0.0")


def rank(triage: str) -> int:
    return ("reassure_monitor", "routine_visit", "same_day", "emergency").index(triage)
