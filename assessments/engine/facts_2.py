"""Ruleset 2.0.0: from a validated contract-2 case to facts, per episode and for the case.

Three things are new against 1.0.0 (CLINICAL_CRITERIA.md section 0b):

- **Time.** Each episode is read at its own ``age_hours`` (else the infant's age now). A result
  counts for an episode when it was collected inside its validity window before or after the
  episode's start; outside every window (of every episode and of "now") it is history.
- **Age.** ``neonate`` is chronological age of 28 days or less, or a postmenstrual age under 44
  weeks; maturation windows use the corrected age for infants born before 37 weeks;
  ``young_infant`` is 90 days or less. An unknown age gives the ``maybe_`` forms only.
- **Who answered (I4).** When a clinician rated the video (``clinician_reviewed``), the clinician's
  ``oscillation`` replaces the caregiver's description of the movement, and a clonic rating
  outranks "stops with holding".
"""

import math
from functools import lru_cache
from typing import Any

from .errors import CaseError
from .facts import _AUTONOMIC_FACTS, list_facts, rate_facts
from .facts import EPISODE_TABLES as EPISODE_TABLES_1
from .labs import check_number, select_thresholds
from .ruleset_2_0_0 import (
    AGE,
    CANONICAL,
    NOT_INTERPRETED,
    TEMPERATURE_C,
    THRESHOLDS,
    VALIDITY_HOURS,
)
from .validation import EPISODE_FIELDS_2, NUMBER, _check_record_2, _check_value_2
from .vocabulary import ASSOCIATED_2

_MOVEMENT_FACTS_2 = {
    **EPISODE_TABLES_1["movement_type"],
    "unspecified_jerking": ("rhythmic", "jerking_unspecified"),
    "pedalling_or_boxing": ("pedalling",),
    "oral_automatisms": ("oral_automatisms",),
}
EPISODE_TABLES = {**EPISODE_TABLES_1, "movement_type": _MOVEMENT_FACTS_2}
# Caregiver movement words that stay beside a clinician's rating (extra semiology, not a rating).
_KEPT_WITH_RATING = frozenset({"pedalling_or_boxing", "oral_automatisms"})
_ASSOCIATED_FACTS = {code: "assoc:" + code for code, _ in ASSOCIATED_2}
_FEVER = TEMPERATURE_C["fever_at_or_above"]
_HYPOTHERMIA = TEMPERATURE_C["hypothermia_below"]
_NORMAL_FROM = TEMPERATURE_C["normal_from"]


def episode_facts(episode: dict[str, Any]) -> set[str]:
    """The facts one checked episode establishes, with clinician ratings outranking (I4)."""
    get = episode.get
    facts: set[str] = set()
    movement = get("movement_type")
    oscillation = get("oscillation")
    rate = get("rate_hz_est")
    reviewed = get("clinician_reviewed") is True
    clinician_clonic = reviewed and (
        oscillation == "fast_slow"
        or (rate is not None and 1 <= rate <= 3 and movement == "rhythmic_clonic_jerks")
    )
    for field, table in EPISODE_TABLES.items():
        if field == "movement_type" and reviewed and oscillation is not None:
            if movement in _KEPT_WITH_RATING:
                facts.update(table[movement])
            continue
        facts.update(table[get(field)])
    if clinician_clonic:
        # The clinician's clonic rating outranks the caregiver's tremor: no benign-tremor pattern,
        # and S11 (same day; E1 in a neonate) whatever the holding test showed.
        facts.update(("clinician_clonic", "clonic", "rhythmic"))
    if get("stops_with_gentle_restraint") in _RESTRAINT_ANSWERS:
        facts.add("restraint_answered")
    _add_derived(get, facts)
    return facts


def _add_derived(get: Any, facts: set[str]) -> None:
    """Add the facts that come from more than one answer, from numbers and from lists."""
    if get("movement_type") is None and get("oscillation") is None:
        facts.update(("movement_unknown", "rhythmic"))
    if get("distribution") is None and get("symmetry") is None:
        facts.add("side_unknown")
    rate = get("rate_hz_est")
    if rate is not None:
        facts.update(rate_facts(rate))
    facts.update(list_facts(get("autonomic"), _AUTONOMIC_FACTS, "autonomic"))
    facts.update(list_facts(get("associated"), _ASSOCIATED_FACTS, "associated"))
    temperature = get("temperature_c")
    if temperature is None:
        facts.add("temperature_unknown")
    elif temperature >= _FEVER:
        facts.add("temp_fever")
    elif temperature < _HYPOTHERMIA:
        facts.add("temp_hypothermia")
    elif temperature < _NORMAL_FROM:
        facts.add("temp_cold_stress")
    else:
        facts.add("temp_normal")
    duration = get("episode_duration_s")
    if duration is not None and duration > 300:
        facts.add("duration_over_5_min")


def _answer_facts() -> dict[tuple[str, object], tuple[str, ...]]:
    """(field, answer) -> its facts, for every valid code, boolean and null of every episode field
    whose facts need no other answer (numbers and lists are not in it)."""
    answers: dict[tuple[str, object], tuple[str, ...]] = {}
    for field, spec in EPISODE_FIELDS_2.items():
        answers[field, None] = EPISODE_TABLES.get(field, {}).get(None, ())
        if spec[0] == "bool":
            for flag in (True, False):
                answers[field, flag] = EPISODE_TABLES.get(field, {}).get(flag, ())
        elif spec[0] == "choice":
            table = EPISODE_TABLES.get(field, {})
            for code in spec[1]:
                if field in EPISODE_TABLES and code not in table:
                    raise RuntimeError(f"episode answer {field}={code} has no facts")
                answered = field == "stops_with_gentle_restraint" and code in _RESTRAINT_ANSWERS
                extra = ("restraint_answered",) if answered else ()
                answers[field, code] = (*table.get(code, ()), *extra)
    return answers


_RESTRAINT_ANSWERS = frozenset({"yes", "partially", "no", "worsens"})
_ANSWERS = _answer_facts()
_TABLE_FIELDS = frozenset(EPISODE_TABLES)
_LIST_FIELDS = frozenset(name for name, spec in EPISODE_FIELDS_2.items() if spec[0] == "list")


def read_episode(record: object, path: str) -> tuple[dict[str, Any], set[str]]:
    """Check one episode and derive its facts in a single pass over its answers.

    A common answer (a code, a boolean, a null) is one look-up in ``_ANSWERS``: the hit proves it
    valid and gives its facts. Numbers and empty lists take validation's shortcuts; anything else
    (and every refusal) goes through ``_check_value_2``, as ``_check_record_2`` would. A record a
    clinician reviewed is derived by ``episode_facts``, where the I4 ratings are.
    """
    if type(record) is not dict:
        checked = _check_record_2(record, EPISODE_FIELDS_2, path)
        return checked, episode_facts(checked)
    checked = record.copy()  # a valid answer stays as it is; the others are replaced
    facts: set[str] = set()
    update = facts.update
    answers = _ANSWERS
    for name, value in record.items():
        kind = value.__class__
        if kind is str or kind is bool or value is None:
            found = answers.get((name, value))
            if found is not None:
                update(found)
                continue
        spec = EPISODE_FIELDS_2.get(name)
        if spec is None:
            raise CaseError(f"{path}.{name}", "unknown field", tuple(EPISODE_FIELDS_2))
        if (kind is int or kind is float) and spec[0] == NUMBER and 0 <= value < math.inf:
            if kind is int:
                checked[name] = float(value)
        elif kind is list and not value and name in _LIST_FIELDS:
            checked[name] = []
        else:
            checked[name] = value = _check_value_2(name, value, spec, path)
            if spec[0] == "choice":  # a valid code of another type (a str subclass, say)
                facts.update(answers[name, value])
    if checked.get("clinician_reviewed") is True:
        return checked, episode_facts(checked)
    for field in _TABLE_FIELDS.difference(checked):
        facts.update(EPISODE_TABLES[field][None])
    _add_derived(checked.get, facts)
    return checked, facts


_W = AGE
_LATE_FIRST, _LATE_LAST = _W["late_hypocalcemia_days"]
_BMEI_FIRST, _BMEI_LAST = _W["benign_myoclonus_window_days"]
AGE_UNKNOWN_FACTS = frozenset(
    {
        "age_unknown",
        "maybe_neonate",
        "maybe_young_infant",
        "maybe_lt_72h",
        "maybe_days_3_14",
        "maybe_le_24m",
        "maybe_1_24m",
    }
)


@lru_cache(maxsize=4096)
def age_facts(hours: float | None, gestational_weeks: float | None) -> frozenset[str]:
    """Age facts at ``hours`` of chronological age (section 0b "Age"); pure, so cached."""
    if hours is None:
        return AGE_UNKNOWN_FACTS
    days = hours / 24
    corrected = days
    if gestational_weeks is not None and gestational_weeks < _W["preterm_below_weeks"]:
        corrected = days - (_W["term_weeks"] - gestational_weeks) * 7
    neonate = days <= _W["neonate_max_days"] or (
        gestational_weeks is not None
        and gestational_weeks + days / 7 < _W["neonate_postmenstrual_below_weeks"]
    )
    facts = {"age_known"}
    if neonate:
        facts.update(("neonate", "maybe_neonate"))
    if days <= _W["young_infant_max_days"]:
        facts.update(("young_infant", "maybe_young_infant"))
    else:
        facts.add("gt_90d")
    if hours < _W["hours_48"]:
        facts.add("age_lt_48h")
    if hours < _W["hours_72"]:
        facts.update(("age_lt_72h", "maybe_lt_72h"))
    else:
        facts.add("age_ge_72h")
    if _LATE_FIRST <= days <= _LATE_LAST:
        facts.update(("days_3_14", "maybe_days_3_14"))
    facts.add("age_le_2m" if corrected <= _W["jitteriness_window_days"] else "age_gt_2m")
    facts.add("age_le_6m" if corrected < _W["moro_window_days"] else "age_gt_6m")
    if corrected <= _W["spasms_last_days"]:
        facts.update(("age_le_24m", "maybe_le_24m"))
        if corrected >= _W["spasms_first_days"]:
            facts.update(("age_1_24m", "maybe_1_24m"))
    if _BMEI_FIRST <= corrected <= _BMEI_LAST:
        facts.add("age_1_12m")
    return frozenset(facts)


AGE_FACTS = frozenset(
    AGE_UNKNOWN_FACTS
    | {
        "age_known", "neonate", "young_infant", "gt_90d", "age_lt_48h", "age_lt_72h",
        "age_ge_72h", "days_3_14", "age_le_2m", "age_gt_2m", "age_le_6m", "age_gt_6m",
        "age_le_24m", "age_1_24m", "age_1_12m",
    }
)  # fmt: skip

_FEEDING = {
    "formula": ("formula_fed",),
    "mixed": ("formula_fed",),
    "formula_and_solids": ("formula_fed",),
    "unfortified_milk_alternative": ("unfortified_milk",),
    "breast": (),
    "breast_and_solids": (),
    None: ("feeding_unknown",),
}
_NEURO = {
    "normal": ("neuro_normal",),
    "hypertonia": ("neuro_abnormal", "neuro_hypertonia"),
    "hypotonia": ("neuro_abnormal", "neuro_hypotonia"),
    "abnormal_tone": ("neuro_abnormal",),
    "focal_deficit": ("neuro_abnormal", "neuro_focal"),
    "abnormal_other": ("neuro_abnormal",),
    "exaggerated_nose_tap_startle": ("nose_tap_startle",),
    "not_done": ("neuro_unknown",),
}
_DEVELOPMENT = {
    "age_appropriate": ("development_normal", "development_age_appropriate"),
    "delayed": ("development_delayed",),
    "plateau": ("plateau",),
    "regression": ("regression",),
    None: ("development_unknown",),
}
_MATERNAL_DIABETES = {
    True: ("maternal_diabetes",),
    False: ("no_maternal_diabetes",),
    None: ("maternal_diabetes_unknown",),
}
_OPIOID_CLASS = frozenset({"opioids", "methadone_or_buprenorphine", "benzodiazepines"})
_ANTISEIZURE = frozenset({"benzodiazepine", "phenobarbital", "levetiracetam", "phenytoin"})
_RESPONDED = frozenset({"stopped", "reduced"})


def infant_facts(infant: dict[str, Any], neonate_now: bool) -> set[str]:
    """Risk context from the infant's record (age facts come per episode and for now)."""
    get = infant.get
    facts: set[str] = set()
    weeks = get("gestational_weeks")
    if weeks is None:
        facts.add("gestation_unknown")
    else:
        facts.add("preterm" if weeks < _W["preterm_below_weeks"] else "term")
    weight = get("birth_weight_g")
    if weight is None:
        facts.add("birth_weight_unknown")
    elif weight < _W["very_low_birth_weight_below_g"]:
        facts.add("vlbw")
    facts.update(_MATERNAL_DIABETES[get("maternal_diabetes")])
    drugs = get("maternal_drug_exposure")
    if drugs is None:
        facts.add("maternal_drugs_unknown")
    elif not drugs:
        facts.add("maternal_drugs_none")
    else:
        facts.add("maternal_drugs")
        facts.update("drug:" + drug for drug in drugs)
        if _OPIOID_CLASS.intersection(drugs):
            facts.add("maternal_opioid_class")
        if "ssri_snri" in drugs:
            facts.add("maternal_ssri")
    size = get("size_for_gestational_age")
    if size is None:
        facts.add("size_unknown")
    elif size in ("sga", "lga"):
        facts.update(("sga_or_lga", size))
    facts.update(_FEEDING[get("feeding")])
    neuro = get("neuro_exam")
    if not neuro:
        facts.add("neuro_unknown")
    else:
        for finding in neuro:
            facts.update(_NEURO[finding])
    development = get("development")
    if development == "not_applicable_neonate":
        facts.add("development_normal" if neonate_now else "development_unknown")
    else:
        facts.update(_DEVELOPMENT[development])
    facts.update("family:" + code for code in get("family_history") or ())
    skin = get("skin_signs")
    if skin is None:
        facts.add("skin_unknown")
    else:
        facts.update("skin:" + sign for sign in skin)
        if "hypomelanotic_macules" in skin or "facial_angiofibromas" in skin:
            facts.add("tsc_skin")
    head = get("head")
    if head in ("microcephaly", "rapidly_growing"):
        facts.add("head_abnormal")
    if head == "rapidly_growing":
        facts.add("head_rapid")
    fontanelle = get("fontanelle")
    if fontanelle is None:
        facts.add("fontanelle_unknown")
    elif fontanelle == "bulging":
        facts.add("fontanelle_bulging")
    for medication in get("medications") or ():
        drug, response = medication.get("drug"), medication.get("response")
        if drug in _ANTISEIZURE:
            if response in _RESPONDED:
                facts.add("antiseizure_response")
            elif response == "worse":
                facts.add("antiseizure_worse")
        elif response in _RESPONDED:
            if drug in ("calcium", "magnesium"):
                facts.add("mineral_response")
            elif drug == "dextrose":
                facts.add("dextrose_response")
            elif drug == "pyridoxine":
                facts.add("antiseizure_response")
    return facts


# --- Results -------------------------------------------------------------------------------------
_THRESHOLDS_BY_TEST: dict[str, list[Any]] = {}
for _threshold in THRESHOLDS:
    _THRESHOLDS_BY_TEST.setdefault(_threshold.test, []).append(_threshold)
_COMPARE = {
    "<": lambda value, limit: value < limit,
    "<=": lambda value, limit: value <= limit,
    ">": lambda value, limit: value > limit,
    ">=": lambda value, limit: value >= limit,
}


def canonical_value(test: str, value: float, unit: str) -> float:
    """The value in the test's canonical unit (I3: mmol/L x 18.0 for glucose, and so on)."""
    return value * CANONICAL[test][1][unit]


def applicable_thresholds(
    test: str, hours: float | None, gestational_weeks: float | None, birth_weight_g: float | None
) -> tuple[list[Any], list[str]]:
    """The 2.0.0 thresholds that apply to this infant at ``hours``, in the order they are tested."""
    return select_thresholds(
        test,
        _THRESHOLDS_BY_TEST.get(test, []),
        lambda threshold: threshold.hours,
        hours,
        gestational_weeks,
        birth_weight_g,
    )


def _decisive(converted: float, thresholds: list[Any]) -> tuple[Any, str]:
    """The threshold that decides (the first one crossed, else the last) and the flag."""
    for threshold in thresholds:
        if _COMPARE[threshold.comparison](converted, threshold.value):
            return threshold, threshold.flag
    return thresholds[-1], "normal"


def lab_flag(
    test: str,
    converted: float,
    hours: float | None,
    gestational_weeks: float | None,
    birth_weight_g: float | None,
) -> str:
    """``interpret_2``'s flag alone, for a value already in the canonical unit."""
    thresholds, _ = applicable_thresholds(test, hours, gestational_weeks, birth_weight_g)
    if not thresholds:
        return "not_interpreted"
    return _decisive(converted, thresholds)[1]


def interpret_2(
    test: str,
    value: float,
    unit: str,
    *,
    hours: float | None,
    gestational_weeks: float | None,
    birth_weight_g: float | None,
) -> dict[str, Any]:
    """Flag one numeric result against the 2.0.0 thresholds, compared in the canonical unit."""
    canonical_unit = CANONICAL[test][0]
    converted = canonical_value(test, value, unit)
    thresholds, notes = applicable_thresholds(test, hours, gestational_weeks, birth_weight_g)
    result = {
        "test": test,
        "value": value,
        "unit": unit,
        "normalised_value": round(converted, 4),
        "normalised_unit": canonical_unit,
        "flag": "normal",
        "category": None,
        "threshold": None,
        "rule": "",
        "source": [],
        "notes": notes,
    }
    if not thresholds:
        rule, sources = NOT_INTERPRETED[test]
        result.update(flag="not_interpreted", rule=rule, source=list(sources))
        return result
    decisive, result["flag"] = _decisive(converted, thresholds)
    result["category"] = decisive.category or None
    if test == "vitamin_d_25oh" and result["flag"] == "normal":
        result["category"] = "sufficient"
    result["threshold"] = {
        "id": decisive.id,
        "comparison": decisive.comparison,
        "value": decisive.value,
        "unit": canonical_unit,
    }
    result["rule"] = decisive.rule
    result["source"] = list(decisive.sources)
    return result


def window_hours(test: str, anchor_hours: float) -> float | None:
    windows = VALIDITY_HOURS.get(test)
    if windows is None:
        return None
    early, late = windows
    return early if anchor_hours < _W["hours_48"] else late


_LAB_FACTS = {
    ("glucose", "critical"): ("glucose_critical", "glucose_low"),
    ("glucose", "low"): ("glucose_below_goal", "glucose_low"),
    ("total_calcium", "low"): ("calcium_low", "calcium_or_magnesium_low"),
    ("ionized_calcium", "low"): ("calcium_low", "calcium_or_magnesium_low"),
    ("magnesium", "low"): ("magnesium_low", "calcium_or_magnesium_low"),
    ("phosphate", "high"): ("phosphate_high",),
    ("vitamin_d_25oh", "low"): ("vitamin_d_low",),
    ("sodium", "high"): ("sodium_high",),
    ("sodium", "low"): ("sodium_low",),
}
LAB_FACTS = frozenset(
    {fact for facts in _LAB_FACTS.values() for fact in facts}
    | {
        "glucose_current", "glucose_normal", "calcium_current", "calcium_all_normal",
        "magnesium_current", "sodium_current", "bilirubin_current", "metabolic_proven",
        "no_current_glucose_episode", "infection_workup_current", "infection_workup_normal",
    }
)  # fmt: skip


class Lab:
    """One interpreted numeric (or dated) result."""

    __slots__ = ("canonical", "flag", "hours", "index", "test", "unit", "value")

    def __init__(
        self,
        index: int,
        test: str,
        hours: float | None,
        flag: str,
        value: float | None,
        unit: str | None,
        canonical: float | None,
    ) -> None:
        self.index, self.test, self.hours, self.flag = index, test, hours, flag
        self.value, self.unit, self.canonical = value, unit, canonical


def read_labs(
    infant: dict[str, Any], results: list[dict[str, Any]], now_hours: float | None
) -> list[Lab]:
    labs = []
    weeks, weight = infant.get("gestational_weeks"), infant.get("birth_weight_g")
    for index, result in enumerate(results):
        test = result["test"]
        value = result.get("value")
        hours = result.get("age_hours")
        if test in CANONICAL:
            if value is None:
                continue
            check_number(value, f"results[{index}].value")
            sample_hours = hours if hours is not None else now_hours
            unit = result["unit"]
            converted = canonical_value(test, value, unit)
            flag = lab_flag(test, converted, sample_hours, weeks, weight)
            labs.append(Lab(index, test, hours, flag, value, unit, converted))
        elif test == "infection_workup" and result.get("interpretation") is not None:
            labs.append(Lab(index, test, hours, result["interpretation"], None, None, None))
    return labs


def in_window(lab: Lab, anchor: float | None) -> bool:
    """A result counts at ``anchor`` hours when either time is unknown or it is in its window."""
    if lab.hours is None or anchor is None:
        return True
    width = window_hours(lab.test, anchor)
    return width is None or abs(lab.hours - anchor) <= width


_NO_LABS = frozenset({"no_current_glucose_episode"})


def lab_facts(labs: list[Lab], anchor: float | None) -> frozenset[str]:
    """The facts of the results that count at ``anchor`` hours."""
    if not labs:
        return _NO_LABS
    facts: set[str] = set()
    normal: set[str] = set()
    for lab in labs:
        if not in_window(lab, anchor):
            continue
        test = lab.test
        if test == "infection_workup":
            facts.add("infection_workup_current")
            if lab.flag == "normal":
                facts.add("infection_workup_normal")
            continue
        found = _LAB_FACTS.get((test, lab.flag))
        if found:
            facts.update(found)
        elif lab.flag == "normal":
            normal.add(test)
        if test == "glucose":
            facts.add("glucose_current")
        elif test in ("total_calcium", "ionized_calcium"):
            facts.add("calcium_current")
        elif test == "magnesium":
            facts.add("magnesium_current")
        elif test == "sodium":
            facts.add("sodium_current")
        elif test == "bilirubin_total":
            facts.add("bilirubin_current")
    if "glucose_current" in facts and "glucose_low" not in facts:
        facts.add("glucose_normal")
    if "glucose_current" not in facts:
        facts.add("no_current_glucose_episode")
    if (
        "calcium_current" in facts
        and "calcium_low" not in facts
        and normal
        & {
            "total_calcium",
            "ionized_calcium",
        }
    ):
        facts.add("calcium_all_normal")
    if "glucose_low" in facts or "calcium_or_magnesium_low" in facts:
        facts.add("metabolic_proven")
    return frozenset(facts)


def persistent_low_glucose(labs: list[Lab], now_hours: float | None) -> tuple[bool, bool]:
    """(S14) A glucose below the age goal at 48 h or later with no later normal glucose; and
    whether any low glucose was sampled at 48 h or later."""
    glucoses = [lab for lab in labs if lab.test == "glucose"]
    low_after_48 = False
    persistent = False
    for lab in glucoses:
        hours = lab.hours if lab.hours is not None else now_hours
        if lab.flag in ("critical", "low") and (hours is None or hours >= _W["hours_48"]):
            low_after_48 = True
            later_normal = any(
                other.flag == "normal"
                and other.hours is not None
                and lab.hours is not None
                and other.hours > lab.hours
                for other in glucoses
            )
            if not later_normal:
                persistent = True
    return persistent, low_after_48


def finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
