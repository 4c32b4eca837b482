"""Synthetic case builders for the engine tests, written from CLINICAL_CRITERIA.md.

``complete_case()`` is a fully answered, textbook physiological jitteriness in a 10-day-old term
infant: every reassure-and-monitor condition of section 3 holds. Tests change one thing at a time.
"""

import copy
from functools import partial

from assessments.engine import TRIAGE_LEVELS
from assessments.engine import score as score_any

# The 1.0.0 tests score with ruleset 1.0.0 explicitly (the default is the latest ruleset).
score_1 = partial(score_any, ruleset="1.0.0")

INFANT = {
    "age_days": 10,
    "gestational_weeks": 39,
    "birth_weight_g": 3300,
    "maternal_diabetes": False,
    "maternal_drug_exposure": False,
    "feeding": "breast",
    "development": "not_applicable_neonate",
    "neuro_exam": "normal",
    "family_history": [],
}

JITTERY_EPISODE = {
    "state": "awake_crying_or_handled",
    "trigger": "crying_or_hunger",
    "movement_type": "fine_tremor",
    "oscillation": "equal",
    "rate_hz_est": 8,
    "distribution": "both_legs",
    "symmetry": "symmetric",
    "stops_with_gentle_restraint": "yes",
    "stops_on_waking": "na",
    "stimulus_sensitive": "yes",
    "clusters": "no",
    "episode_duration_s": 10,
    "episodes_per_day": 4,
    "eye_signs": "none",
    "autonomic": [],
    "consciousness": "alert",
    "after_event": "baseline",
    "associated": [],
    "video_available": True,
}

SLEEP_JERKS_EPISODE = {
    **JITTERY_EPISODE,
    "state": "asleep",
    "trigger": "none",
    "movement_type": "myoclonic_jerks",
    "oscillation": "repetitive_brief_jerks",
    "rate_hz_est": 3,
    "stops_with_gentle_restraint": "no",
    "stops_on_waking": "yes",
    "clusters": "yes",
    "consciousness": "asleep_unaffected",
}

STARTLE_EPISODE = {
    **JITTERY_EPISODE,
    "state": "awake_calm",
    "trigger": "sudden_noise_or_movement",
    "movement_type": "startle_moro",
    "oscillation": "single",
    "rate_hz_est": None,
    "stops_with_gentle_restraint": "not_tried",
    "eye_signs": "eyes_widen",
    "after_event": "cries_then_settles",
}

SPASM_CLUSTER_EPISODE = {
    **JITTERY_EPISODE,
    "state": "on_waking",
    "trigger": "waking",
    "movement_type": "spasm_like_flexion_extension",
    "oscillation": "spasm_1_2s",
    "rate_hz_est": None,
    "distribution": "head_neck_trunk_limbs",
    "stops_with_gentle_restraint": "not_tried",
    "clusters": "yes",
    "after_event": "cries_then_settles",
}

CLONIC_EPISODE = {
    **JITTERY_EPISODE,
    "state": "awake_calm",
    "trigger": "none",
    "movement_type": "rhythmic_clonic_jerks",
    "oscillation": "fast_slow",
    "rate_hz_est": 2,
    "distribution": "one_leg",
    "symmetry": "unilateral",
    "stops_with_gentle_restraint": "no",
}


def complete_case(*episodes: dict, results: list | None = None, **infant) -> dict:
    """A case with the complete infant record (overridden by ``infant``) and the given episodes."""
    return {
        "infant": {**INFANT, **infant},
        "episodes": [copy.deepcopy(episode) for episode in episodes or (JITTERY_EPISODE,)],
        "results": copy.deepcopy(results or []),
    }


def episode(base: dict = JITTERY_EPISODE, **changes) -> dict:
    return {**copy.deepcopy(base), **changes}


def glucose(value: float, unit: str = "mg/dL", age_hours: float | None = None) -> dict:
    return {"test": "glucose", "value": value, "unit": unit, "age_hours": age_hours}


def normal_video_eeg(captured: bool = True) -> dict:
    return {"test": "video_eeg", "interpretation": "normal", "captured_typical_event": captured}


def rank(triage: str) -> int:
    return TRIAGE_LEVELS.index(triage)
