"""Shape and vocabulary checks for a case (CLINICAL_CRITERIA.md, "Engine contract" and section 1).

Every field may be null or absent. Anything present must be of the right type and, for enumerated
fields, one of the codes of ``vocabulary.py``: the engine never guesses what an unknown value means.
"""

import math
from collections.abc import Callable
from typing import Any, TypeVar

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
_Episode = TypeVar("_Episode")


def _one_of(vocabulary: Vocabulary) -> tuple[str, frozenset[str], tuple[Any, ...]]:
    allowed = codes(vocabulary)
    return ("choice", frozenset(allowed), allowed)


def _list_of(vocabulary: Vocabulary) -> tuple[str, frozenset[str], tuple[Any, ...]]:
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


def _hashable(value: object) -> bool:
    """A value that can be a code: a list or an object where one code is expected is refused."""
    return not isinstance(value, list | dict | set)


def _check_record(record: object, fields: dict[str, Any], path: str) -> dict[str, Any]:
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
            if not _hashable(value) or value not in spec[1]:
                raise CaseError(f"{path}.{name}", f"unknown value {value!r}", spec[2])
        elif kind == "list":
            if not isinstance(value, list):
                raise CaseError(f"{path}.{name}", "expected a list", spec[2])
            for index, item in enumerate(value):
                if not _hashable(item) or item not in spec[1]:
                    raise CaseError(f"{path}.{name}[{index}]", f"unknown value {item!r}", spec[2])
        elif kind == NUMBER:
            check_number(value, f"{path}.{name}")
        elif kind == BOOL:
            if not isinstance(value, bool):
                raise CaseError(f"{path}.{name}", f"expected true or false, got {value!r}")
        elif kind == IDENTIFIER and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise CaseError(f"{path}.{name}", f"expected a string or integer, got {value!r}")
    return record


def _check_list(value: object, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseError(path, f"expected a list, got {type(value).__name__}")
    return value


def _check_result(result: object, path: str) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise CaseError(path, f"expected an object, got {type(result).__name__}")
    test = result.get("test")
    if not _hashable(test) or test not in RESULT_FIELDS:
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


def validate_case(
    case: object,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
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


# Contract 2 (section 0b): every 1.0.0 field, the new fields, and the wider vocabularies. The
# checked case is returned normalised (one spelling per meaning), never the caller's objects.
from .vocabulary import (  # noqa: E402
    ASSOCIATED_2,
    EEG_INTERPRETATION_2,
    FAMILY_HISTORY_2,
    FONTANELLE_2,
    HEAD_2,
    MATERNAL_DRUG_EXPOSURE_2,
    MEDICATION_DRUG_2,
    MEDICATION_RESPONSE_2,
    MOVEMENT_TYPE_2,
    NEURO_EXAM_2,
    NEURO_EXAM_ABNORMAL_TONE,
    SIZE_FOR_GESTATIONAL_AGE_2,
    SIZE_FOR_GESTATIONAL_AGE_ALIASES,
    SKIN_SIGNS_2,
    STUDY_INTERPRETATION_2,
    TEST_2,
    UNITS_BY_TEST_2,
)

_SIZES_2 = (*codes(SIZE_FOR_GESTATIONAL_AGE_2), *SIZE_FOR_GESTATIONAL_AGE_ALIASES)
_NEURO_2 = (*codes(NEURO_EXAM_2), NEURO_EXAM_ABNORMAL_TONE)
INFANT_FIELDS_2 = {
    **INFANT_FIELDS,
    "maternal_drug_exposure": ("drugs", frozenset(codes(MATERNAL_DRUG_EXPOSURE_2)),
                               codes(MATERNAL_DRUG_EXPOSURE_2)),
    "size_for_gestational_age": ("choice", frozenset(_SIZES_2), _SIZES_2),
    "skin_signs": _list_of(SKIN_SIGNS_2),
    "head": _one_of(HEAD_2),
    "fontanelle": _one_of(FONTANELLE_2),
    "neuro_exam": ("neuro", frozenset(_NEURO_2), _NEURO_2),
    "family_history": _list_of(FAMILY_HISTORY_2),
    "medications": ("medications",),
}  # fmt: skip
EPISODE_FIELDS_2 = {
    **EPISODE_FIELDS,
    "age_hours": (NUMBER,),
    "temperature_c": ("temperature",),
    "movement_type": _one_of(MOVEMENT_TYPE_2),
    "associated": _list_of(ASSOCIATED_2),
    "clinician_reviewed": (BOOL,),
}
MEDICATION_FIELDS_2 = {
    "drug": _one_of(MEDICATION_DRUG_2),
    "age_hours": (NUMBER,),
    "response": _one_of(MEDICATION_RESPONSE_2),
}
_EEG_RESULT_2 = {
    **_RESULT_COMMON,
    "test": _one_of(TEST_2),
    "interpretation": _one_of(EEG_INTERPRETATION_2),
    "captured_typical_event": (BOOL,),
    "captured_event_types": _list_of(MOVEMENT_TYPE_2),
}
_NUMERIC_RESULT_2 = {**_NUMERIC_RESULT, "test": _one_of(TEST_2)}
_STUDY_RESULT_2 = {
    **_RESULT_COMMON,
    "test": _one_of(TEST_2),
    "interpretation": _one_of(STUDY_INTERPRETATION_2),
}
RESULT_FIELDS_2 = {
    **{test: _NUMERIC_RESULT_2 for test in UNITS_BY_TEST_2},
    "critical_sample": {**_RESULT_COMMON, "test": _one_of(TEST_2)},
    "eeg": _EEG_RESULT_2,
    "video_eeg": _EEG_RESULT_2,
    **{test: _STUDY_RESULT_2 for test in ("mri_brain", "cranial_ultrasound", "infection_workup")},
    # An order code standing for its results (sodium, bilirubin_total) carries no value itself.
    **{test: {**_RESULT_COMMON, "test": _one_of(TEST_2)} for test in ("electrolytes", "bilirubin")},
}
# A recorded temperature outside this range is a typing error, not a measurement.
TEMPERATURE_RANGE_C = (25.0, 45.0)


def _refuse_kind(value: object, path: str, allowed: tuple[Any, ...]) -> None:
    raise CaseError(path, f"expected one value, got {type(value).__name__} {value!r}", allowed)


def _check_value_2(name: str, value: object, spec: tuple[Any, ...], path: str) -> object:
    """Check one contract-2 value; return it normalised."""
    kind = spec[0]
    field = f"{path}.{name}"
    if kind == "choice":
        if not _hashable(value):
            _refuse_kind(value, field, spec[2])
        if value not in spec[1]:
            raise CaseError(field, f"unknown value {value!r}", spec[2])
        if name == "size_for_gestational_age" and isinstance(value, str):
            return SIZE_FOR_GESTATIONAL_AGE_ALIASES.get(value, value)
        return value
    if kind in ("list", "drugs", "neuro"):
        if kind == "drugs" and isinstance(value, bool):
            return ["other"] if value else []
        if kind == "neuro" and isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise CaseError(field, f"expected a list, got {type(value).__name__}", spec[2])
        for index, item in enumerate(value):
            if not _hashable(item) or item not in spec[1]:
                raise CaseError(f"{field}[{index}]", f"unknown value {item!r}", spec[2])
        return sorted(set(value), key=spec[2].index)
    if kind == NUMBER:
        return check_number(value, field)
    if kind == "temperature":
        low, high = TEMPERATURE_RANGE_C
        number = check_number(value, field)
        if not low <= number <= high:
            raise CaseError(field, f"expected degrees Celsius between {low:g} and {high:g}")
        return number
    if kind == BOOL:
        if not isinstance(value, bool):
            raise CaseError(field, f"expected true or false, got {value!r}")
        return value
    if kind == IDENTIFIER:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise CaseError(field, f"expected a string or integer, got {value!r}")
        return value
    if kind == "unit":
        return value  # checked against the test's units by _check_result_2
    if kind == "medications":
        if not isinstance(value, list):
            raise CaseError(field, f"expected a list, got {type(value).__name__}")
        return [
            _check_record_2(item, MEDICATION_FIELDS_2, f"{field}[{index}]")
            for index, item in enumerate(value)
        ]
    raise CaseError(field, "unsupported field")  # pragma: no cover - every spec kind is above


def _check_record_2(record: object, fields: dict[str, Any], path: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise CaseError(path, f"expected an object, got {type(record).__name__}")
    checked: dict[str, object] = {}
    for name, value in record.items():
        spec = fields.get(name)
        if spec is None:
            raise CaseError(f"{path}.{name}", "unknown field", tuple(fields))
        if value is None:
            checked[name] = None
        # Fast paths for the common answers; everything else (and every refusal) goes through
        # _check_value_2, which names the field and the allowed values.
        elif value.__class__ is str and spec[0] == "choice" and name != "size_for_gestational_age":
            if value not in spec[1]:
                raise CaseError(f"{path}.{name}", f"unknown value {value!r}", spec[2])
            checked[name] = value
        elif value.__class__ is bool and spec[0] == BOOL:
            checked[name] = value
        elif value.__class__ in (int, float) and spec[0] == NUMBER and 0 <= value < math.inf:
            checked[name] = float(value)
        else:
            checked[name] = _check_value_2(name, value, spec, path)
    return checked


def _check_result_2(result: object, path: str) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise CaseError(path, f"expected an object, got {type(result).__name__}")
    test = result.get("test")
    if not _hashable(test) or test not in RESULT_FIELDS_2:
        raise CaseError(f"{path}.test", f"unknown test code {test!r}", codes(TEST_2))
    checked = _check_record_2(result, RESULT_FIELDS_2[test], path)
    if test in UNITS_BY_TEST_2:
        unit = checked.get("unit")
        allowed = codes(UNITS_BY_TEST_2[test])
        if unit is not None and (not _hashable(unit) or unit not in allowed):
            raise CaseError(f"{path}.unit", f"unknown unit {unit!r} for {test}", allowed)
        if checked.get("value") is not None and unit is None:
            raise CaseError(f"{path}.unit", f"a {test} value needs its unit", allowed)
    return checked


def _check_episode_2(record: object, path: str) -> dict[str, Any]:
    return _check_record_2(record, EPISODE_FIELDS_2, path)


def read_case_2(
    case: object, read_episode: Callable[[object, str], _Episode]
) -> tuple[dict[str, Any], list[_Episode], list[dict[str, Any]]]:
    """Check a contract-1 or contract-2 case; return its normalised infant, what ``read_episode``
    makes of each episode (given it and its path), and its normalised results."""
    if not isinstance(case, dict):
        raise CaseError("case", f"expected an object, got {type(case).__name__}", CASE_FIELDS)
    for name in case:
        if name not in CASE_FIELDS:
            raise CaseError(str(name), "unknown field", CASE_FIELDS)
    infant = case.get("infant")
    infant = {} if infant is None else _check_record_2(infant, INFANT_FIELDS_2, "infant")
    episodes = [
        read_episode(episode, f"episodes[{index}]")
        for index, episode in enumerate(_check_list(case.get("episodes"), "episodes"))
    ]
    results = [
        _check_result_2(result, f"results[{index}]")
        for index, result in enumerate(_check_list(case.get("results"), "results"))
    ]
    return infant, episodes, results


def validate_case_2(
    case: object,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Check a contract-1 or contract-2 case; return its normalised infant, episodes, results."""
    return read_case_2(case, _check_episode_2)
