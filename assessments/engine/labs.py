"""Lab interpretation (CLINICAL_CRITERIA.md section 4), shared by the engine and the workups app.

A value is compared with the threshold figure the source gives *in the unit it was reported in*;
the converted value is reported alongside for display and plotting. Where the population is
unknown (no age, no gestation, no birth weight) the stricter threshold applies and a note says so.
PTH and alkaline phosphatase have no sourced threshold: they are ``not_interpreted``.
"""

import math
from collections.abc import Callable, Sequence
from typing import Any

from .errors import CaseError
from .ruleset import AGE_WINDOWS, LABS
from .vocabulary import NUMERIC_TESTS, UNITS_BY_TEST, codes

FLAGS = ("normal", "low", "high", "critical", "not_interpreted")

_UNITS = {test: codes(units) for test, units in UNITS_BY_TEST.items()}
_PRETERM_BELOW_WEEKS = AGE_WINDOWS["preterm_below_weeks"]
_VLBW_BELOW_G = AGE_WINDOWS["very_low_birth_weight_below_g"]
_COMPARE = {
    "<": lambda value, limit: value < limit,
    "<=": lambda value, limit: value <= limit,
    ">": lambda value, limit: value > limit,
}


def check_number(value: object, field: str, *, minimum: float = 0.0) -> float:
    """A finite real number at or above ``minimum``; booleans and strings are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseError(field, f"expected a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value) or value < minimum:
        raise CaseError(field, f"expected a finite number of at least {minimum:g}, got {value!r}")
    return float(value)


def _check_context(age_hours: object, gestational_weeks: object, birth_weight_g: object) -> None:
    for name, value in (
        ("age_hours", age_hours),
        ("gestational_weeks", gestational_weeks),
        ("birth_weight_g", birth_weight_g),
    ):
        if value is not None:
            check_number(value, name)


def _check_test_and_unit(test: object, unit: object, field: str) -> None:
    if test not in _UNITS:
        raise CaseError(f"{field}test", "not a numeric lab test code", NUMERIC_TESTS)
    if unit not in _UNITS[test]:
        raise CaseError(f"{field}unit", f"unknown unit for {test}", _UNITS[test])


def _in_hours(window: list[Any], age_hours: float | None) -> bool:
    low, high = window
    if age_hours is None:
        return True
    return (low is None or age_hours >= low) and (high is None or age_hours < high)


def select_thresholds(
    test: str,
    thresholds: Sequence[Any],
    hours_of: Callable[[Any], Any],
    age_hours: float | None,
    gestational_weeks: float | None,
    birth_weight_g: float | None,
) -> tuple[list[Any], list[str]]:
    """The thresholds of ``test`` that apply to this infant, in the order they are tested, and
    the notes saying which default applied; ``hours_of(threshold)`` is its age window in hours.
    Shared by every ruleset (1.0.0 keeps its thresholds as dicts, 2.0.0 as records)."""
    notes: list[str] = []
    if test == "glucose":
        critical, *goals = thresholds
        if age_hours is None:
            notes.append("age at sampling unknown: the stricter goal for after 48 h applies")
            age_hours = AGE_WINDOWS["hours_48"]
        goal = next(goal for goal in goals if _in_hours(hours_of(goal), age_hours))
        return [critical, goal], notes
    if test == "total_calcium":
        small = (gestational_weeks is not None and gestational_weeks < _PRETERM_BELOW_WEEKS) or (
            birth_weight_g is not None and birth_weight_g < _VLBW_BELOW_G
        )
        if gestational_weeks is None and birth_weight_g is None:
            notes.append("gestation and birth weight unknown: the term threshold applies")
        return [thresholds[1] if small else thresholds[0]], notes
    if test == "ionized_calcium":
        if birth_weight_g is None:
            notes.append("birth weight unknown: the threshold for 1500 g or more applies")
        small = birth_weight_g is not None and birth_weight_g < _VLBW_BELOW_G
        return [thresholds[1] if small else thresholds[0]], notes
    return list(thresholds), notes


def _applicable(
    test: str,
    age_hours: float | None,
    gestational_weeks: float | None,
    birth_weight_g: float | None,
) -> tuple[list[Any], list[str]]:
    """The 1.0.0 thresholds that apply to this infant, in the order they are tested."""
    return select_thresholds(
        test,
        LABS[test]["thresholds"],
        lambda threshold: threshold["hours"],
        age_hours,
        gestational_weeks,
        birth_weight_g,
    )


def interpret_lab(
    test: str,
    value: float,
    unit: str,
    *,
    age_hours: float | None = None,
    gestational_weeks: float | None = None,
    birth_weight_g: float | None = None,
    field: str = "",
    ruleset: str = "1.0.0",
) -> dict[str, Any]:
    """Flag one numeric result against the section 4 thresholds for this infant.

    ``field`` prefixes the path named in a ``CaseError`` (the engine passes ``results[2].``).
    ``ruleset="2.0.0"`` compares the value converted to the canonical unit (invariant I3: 2.2
    mmol/L glucose is 39.6 mg/dL, below 40) and knows sodium and bilirubin; 1.0.0 compares in the
    reported unit, as it always has.
    """
    if ruleset == "2.0.0":
        return _interpret_2(test, value, unit, age_hours, gestational_weeks, birth_weight_g, field)
    if ruleset != "1.0.0":
        raise CaseError("ruleset", f"unknown ruleset version {ruleset!r}", ("1.0.0", "2.0.0"))
    _check_test_and_unit(test, unit, field)
    value = check_number(value, f"{field}value")
    _check_context(age_hours, gestational_weeks, birth_weight_g)
    lab = LABS[test]
    canonical = lab["canonical_unit"]
    result = {
        "test": test,
        "value": value,
        "unit": unit,
        "normalised_value": round(value / lab["per_canonical"][unit], 4),
        "normalised_unit": canonical,
        "flag": "normal",
        "category": None,
        "threshold": None,
        "rule": "",
        "source": [],
        "notes": [],
    }
    thresholds, result["notes"] = _applicable(test, age_hours, gestational_weeks, birth_weight_g)
    if not thresholds:
        result.update(flag="not_interpreted", rule=lab["not_interpreted"], source=lab["sources"])
        return result
    decisive = thresholds[-1]
    for threshold in thresholds:
        if _COMPARE[threshold["comparison"]](value, threshold["values"][unit]):
            decisive = threshold
            result["flag"] = threshold["flag"]
            break
    result["category"] = decisive.get("category")
    if test == "vitamin_d_25oh" and result["flag"] == "normal":
        result["category"] = "sufficient"
    result["threshold"] = {
        "id": decisive["id"],
        "comparison": decisive["comparison"],
        "value": decisive["values"][unit],
        "unit": unit,
    }
    result["rule"] = decisive["rule"]
    result["source"] = list(decisive["sources"])
    return result


def lab_thresholds(
    test: str,
    *,
    age_hours: float | None = None,
    gestational_weeks: float | None = None,
    birth_weight_g: float | None = None,
) -> dict[str, Any]:
    """The thresholds (and reference lines) that apply to this infant, for display and plotting.

    Values are given in every unit the test accepts; ``unit`` is the canonical one.
    """
    if test not in LABS:
        raise CaseError("test", "not a numeric lab test code", NUMERIC_TESTS)
    _check_context(age_hours, gestational_weeks, birth_weight_g)
    lab = LABS[test]
    thresholds, notes = _applicable(test, age_hours, gestational_weeks, birth_weight_g)
    canonical = lab["canonical_unit"]
    return {
        "test": test,
        "unit": canonical,
        "units": list(_UNITS[test]),
        "thresholds": [
            {
                "id": threshold["id"],
                "flag": threshold["flag"],
                "category": threshold.get("category"),
                "comparison": threshold["comparison"],
                "value": threshold["values"][canonical],
                "values": dict(threshold["values"]),
                "rule": threshold["rule"],
                "source": list(threshold["sources"]),
            }
            for threshold in thresholds
        ],
        "reference": [
            {
                "id": line["id"],
                "value": line["values"][canonical],
                "values": dict(line["values"]),
                "rule": line["rule"],
                "source": list(line["sources"]),
            }
            for line in lab["reference"]
            if _in_hours(line["hours"], age_hours)
        ],
        "not_interpreted": lab.get("not_interpreted"),
        "notes": notes,
    }


def _interpret_2(
    test: object,
    value: object,
    unit: object,
    age_hours: float | None,
    gestational_weeks: float | None,
    birth_weight_g: float | None,
    field: str,
) -> dict[str, Any]:
    from .facts_2 import interpret_2
    from .vocabulary import NUMERIC_TESTS_2, UNITS_BY_TEST_2

    units = {name: codes(options) for name, options in UNITS_BY_TEST_2.items()}
    if not isinstance(test, str) or test not in units:
        raise CaseError(f"{field}test", "not a numeric lab test code", NUMERIC_TESTS_2)
    if not isinstance(unit, str) or unit not in units[test]:
        raise CaseError(f"{field}unit", f"unknown unit for {test}", units[test])
    number = check_number(value, f"{field}value")
    _check_context(age_hours, gestational_weeks, birth_weight_g)
    return interpret_2(
        test,
        number,
        unit,
        hours=age_hours,
        gestational_weeks=gestational_weeks,
        birth_weight_g=birth_weight_g,
    )
