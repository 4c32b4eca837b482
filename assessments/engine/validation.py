"""Shape and vocabulary checks for a case (CLINICAL_CRITERIA.md, "Engine contract" and section 1).

Every field may be null or absent. Anything present must be of the right type and, for enumerated
fields, one of the codes of ``vocabulary.py``: the engine never guesses what an unknown value means.
"""

from .errors import CaseError
from .labs import check_number
from .vocabulary import (
    AFTER_EVENT,
    ASSOCIATED,
    AUTONOMIC,
    CLUSTERS,
    CONSCIOUSNESS,
    DEVELOPMENT,
    DISTRIBUTION,
    EEG_INTERPRETATION,
    EYE_SIGNS,
    FAMILY_HISTORY,
    FEEDING,
    GLUCOSE_METHOD,
    MOVEMENT_TYPE,
    MRI_INTERPRETATION,
    NEURO_EXAM,
    OSCILLATION,
    SIZE_FOR_GESTATIONAL_AGE,
    STATE,
    STIMULUS_SENSITIVE,
    STOPS_ON_WAKING,
    STOPS_WITH_GENTLE_RESTRAINT,
    SYMMETRY,
    TEST,
    TRIGGER,
    UNITS_BY_TEST,
    Vocabulary,
    codes,
)

NUMBER, BOOL, IDENTIFIER = "number", "bool", "identifier"


def _one_of(vocabulary: Vocabulary) -> tuple[str, frozenset, tuple]:
    allowed = codes(vocabulary)
    return ("choice", frozenset(allowed), allowed)


def _list_of(vocabulary: Vocabulary) -> tuple[str, frozenset, tuple]:
    allowed = codes(vocabulary)
    return ("list", frozenset(allowed), allowed)


INFANT_FIELDS = {
    "age_days": (NUMBER,),
    "gestational_weeks": (NUMBER,),
    "birth_weight_g": (NUMBER,),
    "maternal_diabetes": (BOOL,),
    "maternal_drug_exposure": (BOOL,),
    "size_for_gestational_age": _one_of(SIZE_FOR_GESTATIONAL_AGE),
    "feeding": _one_of(FEEDING),
    "development": _one_of(DEVELOPMENT),
    "neuro_exam": _one_of(NEURO_EXAM),
    "family_history": _list_of(FAMILY_HISTORY),
}

EPISODE_FIELDS = {
    "id": (IDENTIFIER,),
    "state": _one_of(STATE),
    "trigger": _one_of(TRIGGER),
    "movement_type": _one_of(MOVEMENT_TYPE),
    "oscillation": _one_of(OSCILLATION),
    "rate_hz_est": (NUMBER,),
    "distribution": _one_of(DISTRIBUTION),
    "symmetry": _one_of(SYMMETRY),
    "stops_with_gentle_restraint": _one_of(STOPS_WITH_GENTLE_RESTRAINT),
    "stops_on_waking": _one_of(STOPS_ON_WAKING),
    "stimulus_sensitive": _one_of(STIMULUS_SENSITIVE),
    "clusters": _one_of(CLUSTERS),
    "episode_duration_s": (NUMBER,),
    "episodes_per_day": (NUMBER,),
    "eye_signs": _one_of(EYE_SIGNS),
    "autonomic": _list_of(AUTONOMIC),
    "consciousness": _one_of(CONSCIOUSNESS),
    "after_event": _one_of(AFTER_EVENT),
    "associated": _list_of(ASSOCIATED),
    "video_available": (BOOL,),
}

_RESULT_COMMON = {"id": (IDENTIFIER,), "test": _one_of(TEST), "age_hours": (NUMBER,)}
_NUMERIC_RESULT = {
    **_RESULT_COMMON,
    "value": (NUMBER,),
    "unit": ("unit",),
    "method": _one_of(GLUCOSE_METHOD),
}
_EEG_RESULT = {
    **_RESULT_COMMON,
    "interpretation": _one_of(EEG_INTERPRETATION),
    "captured_typical_event": (BOOL,),
}
RESULT_FIELDS = {
    **{test: _NUMERIC_RESULT for test in UNITS_BY_TEST},
    "critical_sample": _RESULT_COMMON,
    "eeg": _EEG_RESULT,
    "video_eeg": _EEG_RESULT,
    "mri_brain": {**_RESULT_COMMON, "interpretation": _one_of(MRI_INTERPRETATION)},
}
CASE_FIELDS = ("infant", "episodes", "results")


def _check_record(record: object, fields: dict, path: str) -> dict:
    if not isinstance(record, dict):
        raise CaseError(path, f"expected an object, got {type(record).__name__}")
    for name, value in record.items():
        spec = fields.get(name)
        if spec is None:
            raise CaseError(f"{path}.{name}", "unknown field", tuple(fields))
        if value is None:
            continue
        kind = spec[0]
        if kind == "choice":
            if value not in spec[1]:
                raise CaseError(f"{path}.{name}", f"unknown value {value!r}", spec[2])
        elif kind == "list":
            if not isinstance(value, list):
                raise CaseError(f"{path}.{name}", "expected a list", spec[2])
            for index, item in enumerate(value):
                if item not in spec[1]:
                    raise CaseError(f"{path}.{name}[{index}]", f"unknown value {item!r}", spec[2])
        elif kind == NUMBER:
            check_number(value, f"{path}.{name}")
        elif kind == BOOL:
            if not isinstance(value, bool):
                raise CaseError(f"{path}.{name}", f"expected true or false, got {value!r}")
        elif kind == IDENTIFIER and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise CaseError(f"{path}.{name}", f"expected a string or integer, got {value!r}")
    return record


def _check_list(value: object, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseError(path, f"expected a list, got {type(value).__name__}")
    return value


def _check_result(result: object, path: str) -> dict:
    if not isinstance(result, dict):
        raise CaseError(path, f"expected an object, got {type(result).__name__}")
    test = result.get("test")
    if test not in RESULT_FIELDS:
        raise CaseError(f"{path}.test", f"unknown test code {test!r}", codes(TEST))
    _check_record(result, RESULT_FIELDS[test], path)
    if test in UNITS_BY_TEST:
        unit = result.get("unit")
        allowed = codes(UNITS_BY_TEST[test])
        if unit is not None and unit not in allowed:
            raise CaseError(f"{path}.unit", f"unknown unit {unit!r} for {test}", allowed)
        if result.get("value") is not None and unit is None:
            raise CaseError(f"{path}.unit", f"a {test} value needs its unit", allowed)
    return result


def validate_case(case: object) -> tuple[dict, list[dict], list[dict]]:
    """Check a case and return its infant, episodes and results (absent parts as empty)."""
    if not isinstance(case, dict):
        raise CaseError("case", f"expected an object, got {type(case).__name__}", CASE_FIELDS)
    for name in case:
        if name not in CASE_FIELDS:
            raise CaseError(name, "unknown field", CASE_FIELDS)
    infant = case.get("infant")
    infant = {} if infant is None else _check_record(infant, INFANT_FIELDS, "infant")
    episodes = _check_list(case.get("episodes"), "episodes")
    for index, episode in enumerate(episodes):
        _check_record(episode, EPISODE_FIELDS, f"episodes[{index}]")
    results = _check_list(case.get("results"), "results")
    for index, result in enumerate(results):
        _check_result(result, f"results[{index}]")
    return infant, episodes, results
