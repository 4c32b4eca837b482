"""From a validated case to the named facts the ruleset's conditions are written over.

Facts are only ever *positive knowledge*: ``eyes_normal`` needs an answer saying so, and an absent
answer produces ``eyes_unknown`` (which asks a question and blocks reassurance) instead. Context
windows have a ``maybe_`` form that an unknown age also satisfies, used by escalating rules.
"""

from typing import Any

from .labs import interpret_lab
from .ruleset import AGE_WINDOWS

_ABNORMAL_EYES = ("deviation", "staring", "nystagmoid", "upward_rolling")

# Per-field lookup tables: the facts one answer contributes. ``None`` is the unknown answer.
EPISODE_TABLES: dict[str, dict[str | bool | None, tuple[str, ...]]] = {
    "state": {
        "awake_calm": ("awake", "maybe_awake"),
        "awake_crying_or_handled": ("awake", "maybe_awake"),
        "feeding": ("awake", "maybe_awake", "meal_or_excitement"),
        # Falling asleep is not sleep: restraint failing then still points to a seizure.
        "drowsy_falling_asleep": ("drowsy", "maybe_awake"),
        "asleep": ("asleep",),
        "on_waking": ("awake", "maybe_awake", "waking_event"),
        None: ("state_unknown", "maybe_awake"),
    },
    "trigger": {
        "none": ("unprovoked",),
        "handling_or_touch": ("provoked",),
        "sudden_noise_or_movement": ("sudden_stimulus", "sleep_provoking_trigger"),
        "crying_or_hunger": ("provoked",),
        "undressing_or_cold": ("provoked",),
        "feeding": ("provoked", "meal_or_excitement"),
        "rocking": ("sleep_provoking_trigger",),
        "waking": ("waking_event",),
        "excitement": ("provoked", "meal_or_excitement"),
        None: ("trigger_unknown",),
    },
    "movement_type": {
        "fine_tremor": ("tremor", "fine_tremor", "rhythmic"),
        "coarse_tremor": ("tremor", "coarse_tremor", "rhythmic"),
        "startle_moro": ("startle",),
        "myoclonic_jerks": ("myoclonic", "rhythmic"),
        "rhythmic_clonic_jerks": ("clonic", "rhythmic"),
        "tonic_stiffening": ("tonic",),
        "spasm_like_flexion_extension": ("spasm",),
        "shuddering": ("shuddering",),
        "unspecified_jerking": ("rhythmic",),
        None: (),
    },
    "oscillation": {
        "equal": ("tremor", "rhythmic"),
        "fast_slow": ("clonic", "rhythmic"),
        "repetitive_brief_jerks": ("myoclonic", "rhythmic"),
        "single": ("single",),
        "spasm_1_2s": ("spasm",),
        "sustained": ("tonic",),
        None: (),
    },
    "distribution": {
        "one_leg": ("focal",),
        "one_side_arm_leg": ("focal",),
        "both_legs": (),
        "all_limbs": (),
        "chin_and_limbs": (),
        "head_neck_trunk_limbs": (),
        "neck_shoulders_arms": (),
        None: (),
    },
    "symmetry": {
        "symmetric": ("symmetric",),
        "asymmetric": ("focal",),
        "unilateral": ("focal",),
        None: (),
    },
    "stops_with_gentle_restraint": {
        "yes": ("restraint_stops",),
        "partially": ("restraint_fails",),
        "no": ("restraint_fails",),
        "worsens": ("restraint_fails",),
        "not_tried": ("restraint_unknown",),
        None: ("restraint_unknown",),
    },
    "stops_on_waking": {
        "yes": ("stops_on_waking",),
        "no": ("continues_after_waking",),
        "not_observed": ("waking_unknown",),
        "na": (),
        None: ("waking_unknown",),
    },
    "stimulus_sensitive": {"yes": ("stimulus_sensitive",), "no": (), "unknown": (), None: ()},
    "clusters": {
        "yes": ("clusters",),
        "no": ("no_clusters",),
        "unknown": ("clusters_unknown",),
        None: ("clusters_unknown",),
    },
    "eye_signs": {
        **{sign: ("abnormal_eyes",) for sign in _ABNORMAL_EYES},
        "none": ("eyes_normal",),
        # Eyes widening is part of a normal startle.
        "eyes_widen": ("eyes_normal",),
        None: ("eyes_unknown",),
    },
    "consciousness": {
        "alert": ("alert",),
        "asleep_unaffected": ("alert",),
        "altered": ("altered",),
        "unclear": ("consciousness_unknown",),
        None: ("consciousness_unknown",),
    },
    "after_event": {
        "baseline": (),
        "cries_then_settles": ("cries_then_settles",),
        "irritable": ("irritable_after",),
        "sleepy": ("sleepy_after",),
        "floppy": ("sleepy_after",),
        None: ("after_unknown",),
    },
    "video_available": {True: ("video",), False: (), None: ()},
}

_AUTONOMIC_FACTS = {
    "apnea": "apnea",
    "cyanosis_or_color_change": "cyanosis",
    "heart_rate_change": "heart_rate_change",
    "drooling": "drooling",
}
_ASSOCIATED_FACTS = {
    code: f"assoc:{code}"
    for code in (
        "poor_feeding",
        "lethargy",
        "irritability",
        "hypotonia",
        "generalized_stiffness",
        "fever",
        "hypothermia",
        "sweating",
        "twitching",
        "carpopedal_spasm",
        "stridor",
        "respiratory_difficulty",
        "failure_to_thrive",
    )
}
_EXTRA_EPISODE_FACTS = (
    "movement_unknown",
    "rate_fast",
    "rate_1_5",
    "rate_1_3",
    "side_unknown",
    "autonomic_none",
    "autonomic_unknown",
    "associated_none",
    "associated_unknown",
)
EPISODE_FACTS = frozenset(
    [fact for table in EPISODE_TABLES.values() for facts in table.values() for fact in facts]
    + list(_AUTONOMIC_FACTS.values())
    + list(_ASSOCIATED_FACTS.values())
    + list(_EXTRA_EPISODE_FACTS)
)


def episode_facts(episode: dict[str, Any]) -> set[str]:
    """The facts one logged episode establishes."""
    facts: set[str] = set()
    get = episode.get
    for field, table in EPISODE_TABLES.items():
        facts.update(table[get(field)])
    if get("movement_type") is None and get("oscillation") is None:
        facts.update(("movement_unknown", "rhythmic"))
    if get("distribution") is None and get("symmetry") is None:
        facts.add("side_unknown")
    facts.update(rate_facts(get("rate_hz_est")))
    facts.update(list_facts(get("autonomic"), _AUTONOMIC_FACTS, "autonomic"))
    facts.update(list_facts(get("associated"), _ASSOCIATED_FACTS, "associated"))
    return facts


def rate_facts(rate: float | None) -> list[str]:
    """The clinician's rate estimate against the windows of section 1."""
    if rate is None:
        return []
    found = []
    if rate >= 6:
        found.append("rate_fast")
    if 1 <= rate <= 5:
        found.append("rate_1_5")
    if 1 <= rate <= 3:
        found.append("rate_1_3")
    return found


def list_facts(answer: list[Any] | None, table: dict[str, Any], name: str) -> list[str]:
    """A list answer: ``<name>_unknown`` when absent, ``<name>_none`` when empty, else each
    sign's fact."""
    if answer is None:
        return [name + "_unknown"]
    if not answer:
        return [name + "_none"]
    return [table[sign] for sign in answer]


_W = AGE_WINDOWS
_LATE_CA_FIRST, _LATE_CA_LAST = _W["late_hypocalcemia_days"]
_SPASMS_FIRST, _SPASMS_LAST = _W["spasms_window_days"]
_BMEI_FIRST, _BMEI_LAST = _W["benign_myoclonus_window_days"]


def age_facts(age_days: float | None) -> set[str]:
    """Age windows of section 2; an unknown age satisfies every ``maybe_`` window."""
    if age_days is None:
        return {
            "age_unknown",
            "maybe_neonate",
            "maybe_lt_72h",
            "maybe_days_3_14",
            "maybe_1_24m",
        }
    hours = age_days * 24
    windows = {
        "neonate": age_days < _W["neonate_below_days"],
        "age_lt_48h": hours < _W["hours_48"],
        "age_lt_72h": hours < _W["hours_72"],
        "days_3_14": _LATE_CA_FIRST <= age_days <= _LATE_CA_LAST,
        "age_le_2m": age_days <= _W["jitteriness_window_days"],
        "age_gt_2m": age_days > _W["jitteriness_window_days"],
        "age_le_6m": age_days < _W["moro_window_days"],
        "age_gt_6m": age_days >= _W["moro_window_days"],
        "age_1_24m": _SPASMS_FIRST <= age_days <= _SPASMS_LAST,
        "age_1_12m": _BMEI_FIRST <= age_days <= _BMEI_LAST,
    }
    facts = {"age_known"} | {name for name, holds in windows.items() if holds}
    for window in ("neonate", "days_3_14", "age_1_24m"):
        if window in facts:
            facts.add("maybe_" + window.removeprefix("age_"))
    if "age_lt_72h" in facts:
        facts.add("maybe_lt_72h")
    return facts


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
    "abnormal_tone": ("neuro_abnormal",),
    "focal_deficit": ("neuro_abnormal",),
    "abnormal_other": ("neuro_abnormal",),
    "exaggerated_nose_tap_startle": ("nose_tap_startle",),
    "not_done": ("neuro_unknown",),
    None: ("neuro_unknown",),
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


def infant_facts(infant: dict[str, Any]) -> set[str]:
    """Risk context: age windows, gestation, birth weight, feeding, development, examination."""
    get = infant.get
    facts = age_facts(get("age_days"))
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
    if get("maternal_drug_exposure"):
        facts.add("maternal_drugs")
    if get("size_for_gestational_age") in ("small", "large"):
        facts.add("sga_or_lga")
    facts.update(_FEEDING[get("feeding")])
    facts.update(_NEURO[get("neuro_exam")])
    development = get("development")
    if development == "not_applicable_neonate":
        # Only a neonate is too young to judge; for an older infant the answer says nothing.
        facts.add("development_normal" if "neonate" in facts else "development_unknown")
    else:
        facts.update(_DEVELOPMENT[development])
    facts.update("family:" + code for code in get("family_history") or ())
    return facts


_LAB_FACTS = {
    ("glucose", "critical"): "glucose_critical",
    ("glucose", "low"): "glucose_below_goal",
    ("total_calcium", "low"): "calcium_low",
    ("ionized_calcium", "low"): "calcium_low",
    ("magnesium", "low"): "magnesium_low",
    ("phosphate", "high"): "phosphate_high",
    ("vitamin_d_25oh", "low"): "vitamin_d_low",
}
_EEG_FACTS = {
    "normal": ("eeg_normal",),
    "epileptiform": ("eeg_epileptiform", "eeg_abnormal"),
    "hypsarrhythmia": ("eeg_hypsarrhythmia", "eeg_abnormal"),
    "other_abnormal": ("eeg_abnormal",),
}


def result_facts(
    infant: dict[str, Any], results: list[dict[str, Any]]
) -> tuple[set[str], set[str]]:
    """Facts from results, and the set of tests that have a result (for recommendations)."""
    facts: set[str] = set()
    done: set[str] = set()
    normal: set[str] = set()
    age_days = infant.get("age_days")
    infant_hours = None if age_days is None else age_days * 24
    for index, result in enumerate(results):
        test = result["test"]
        value = result.get("value")
        interpretation = result.get("interpretation")
        if test == "critical_sample":
            done.add(test)
            facts.add("critical_sample_drawn")
        elif interpretation is not None:
            done.add(test)
            if test == "mri_brain":
                if interpretation == "abnormal":
                    facts.add("mri_abnormal")
                continue
            facts.update(_EEG_FACTS[interpretation])
            if (
                test == "video_eeg"
                and interpretation == "normal"
                and result.get("captured_typical_event") is True
            ):
                facts.add("eeg_normal_typical")
        elif value is not None:
            done.add(test)
            hours = result.get("age_hours")
            if hours is None:
                hours = infant_hours
            flag = interpret_lab(
                test,
                value,
                result["unit"],
                age_hours=hours,
                gestational_weeks=infant.get("gestational_weeks"),
                birth_weight_g=infant.get("birth_weight_g"),
                field=f"results[{index}].",
            )["flag"]
            fact = _LAB_FACTS.get((test, flag))
            if fact is None:
                normal.add(test)
            else:
                facts.add(fact)
                if test == "glucose" and (hours is None or hours >= _W["hours_48"]):
                    facts.add("glucose_low_after_48h")
    if "glucose" in done:
        facts.add("glucose_measured")
        if "glucose_critical" not in facts and "glucose_below_goal" not in facts:
            facts.add("glucose_all_normal")
    if done & {"total_calcium", "ionized_calcium"}:
        facts.add("calcium_measured")
        if {"total_calcium", "ionized_calcium"} <= normal and "calcium_low" not in facts:
            facts.add("calcium_all_normal")
    return facts, done


def trend_facts(episodes: list[dict[str, Any]]) -> set[str]:
    """Episodes are logged oldest first: more episodes a day in the latest log means increasing."""
    if len(episodes) < 2:
        return set()
    first = episodes[0].get("episodes_per_day")
    last = episodes[-1].get("episodes_per_day")
    if first is not None and last is not None and last > first:
        return {"increasing"}
    return set()


CASE_FACTS = frozenset(
    {
        "has_episodes",
        "increasing",
        "age_unknown",
        "age_known",
        "neonate",
        "maybe_neonate",
        "age_lt_48h",
        "age_lt_72h",
        "maybe_lt_72h",
        "days_3_14",
        "maybe_days_3_14",
        "age_le_2m",
        "age_gt_2m",
        "age_le_6m",
        "age_gt_6m",
        "age_1_24m",
        "maybe_1_24m",
        "age_1_12m",
        "gestation_unknown",
        "preterm",
        "term",
        "birth_weight_unknown",
        "vlbw",
        "maternal_drugs",
        "sga_or_lga",
        "development_normal",
        "development_unknown",
    }
    | {
        fact
        for table in (_FEEDING, _NEURO, _DEVELOPMENT, _MATERNAL_DIABETES)
        for f in table.values()
        for fact in f
    }
    | {"family:" + code for code in ("neonatal_seizures", "epilepsy", "startle_disorder", "other")}
    | set(_LAB_FACTS.values())
    | {fact for facts in _EEG_FACTS.values() for fact in facts}
    | {
        "eeg_normal_typical",
        "mri_abnormal",
        "critical_sample_drawn",
        "glucose_low_after_48h",
        "glucose_measured",
        "glucose_all_normal",
        "calcium_measured",
        "calcium_all_normal",
    }
)
