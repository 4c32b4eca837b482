"""Properties over generated valid cases: determinism, red flags only ever raise triage, an unknown
answer is never treated as better than a known one, and the leading cause is always explained."""

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.engine import interpret_lab, vocabulary
from tests.assessments.engine.cases import rank
from tests.assessments.engine.cases import score_1 as score

codes = vocabulary.codes
VOCABULARY_FIELDS = (
    "state",
    "trigger",
    "movement_type",
    "oscillation",
    "distribution",
    "symmetry",
    "stops_with_gentle_restraint",
    "stops_on_waking",
    "stimulus_sensitive",
    "clusters",
    "eye_signs",
    "consciousness",
    "after_event",
)
LIST_FIELDS = ("autonomic", "associated")
# Sampled known values for numeric answers, chosen to straddle every window of the criteria.
EPISODE_NUMBERS = {
    "rate_hz_est": (0.5, 2, 4, 8, 12),
    "episode_duration_s": (1, 60, 1800),
    "episodes_per_day": (1, 5, 30),
}
INFANT_NUMBERS = {
    "age_days": (0.1, 1, 2.5, 5, 10, 20, 27.9, 40, 61, 120, 190, 400, 800),
    "gestational_weeks": (26, 34, 36.9, 37, 40),
    "birth_weight_g": (900, 1499, 1500, 3300, 4500),
}
INFANT_VOCABULARY_FIELDS = ("feeding", "development", "neuro_exam", "size_for_gestational_age")
INFANT_BOOLEANS = ("maternal_diabetes", "maternal_drug_exposure")


def _maybe(strategy):
    return st.none() | strategy


def _choice(field):
    return st.sampled_from(codes(vocabulary.VOCABULARIES[field]))


def _subset(field):
    return st.lists(_choice(field), unique=True, max_size=3)


def _numbers(values):
    return st.sampled_from(values) | st.floats(min(values), max(values), allow_nan=False)


EPISODES = st.fixed_dictionaries(
    {},
    optional={
        **{field: _maybe(_choice(field)) for field in VOCABULARY_FIELDS},
        **{field: _maybe(_subset(field)) for field in LIST_FIELDS},
        **{field: _maybe(_numbers(values)) for field, values in EPISODE_NUMBERS.items()},
        "video_available": _maybe(st.booleans()),
    },
)
INFANTS = st.fixed_dictionaries(
    {},
    optional={
        **{field: _maybe(_numbers(values)) for field, values in INFANT_NUMBERS.items()},
        **{field: _maybe(_choice(field)) for field in INFANT_VOCABULARY_FIELDS},
        **{field: _maybe(st.booleans()) for field in INFANT_BOOLEANS},
        "family_history": _maybe(_subset("family_history")),
    },
)


LAB_HIGHEST_MG_DL = {"glucose": 120, "total_calcium": 11, "ionized_calcium": 6, "magnesium": 3}
MG_DL_PER_MMOL_L = {"glucose": 18, "total_calcium": 4, "ionized_calcium": 4, "magnesium": 2.43}


@st.composite
def lab_results(draw):
    test = draw(st.sampled_from(tuple(LAB_HIGHEST_MG_DL)))
    unit = draw(st.sampled_from(("mg/dL", "mmol/L")))
    highest = LAB_HIGHEST_MG_DL[test]
    if unit == "mmol/L":
        highest /= MG_DL_PER_MMOL_L[test]
    return {
        "test": test,
        "value": draw(st.floats(0.1, highest, allow_nan=False)),
        "unit": unit,
        "age_hours": draw(_maybe(_numbers((1, 30, 60, 200)))),
    }


EEG_RESULTS = st.fixed_dictionaries(
    {
        "test": st.sampled_from(("eeg", "video_eeg")),
        "interpretation": _maybe(_choice("eeg_interpretation")),
        "captured_typical_event": _maybe(st.booleans()),
    }
)
CASES = st.fixed_dictionaries(
    {
        "infant": INFANTS,
        "episodes": st.lists(EPISODES, min_size=1, max_size=3),
        "results": st.lists(lab_results() | EEG_RESULTS, max_size=3),
    }
)

RED_FLAG_CHANGES = (
    [("eye_signs", sign) for sign in ("deviation", "staring", "nystagmoid", "upward_rolling")]
    + [("autonomic", sign) for sign in codes(vocabulary.AUTONOMIC)]
    + [
        ("associated", sign)
        for sign in ("poor_feeding", "lethargy", "fever", "hypothermia", "carpopedal_spasm")
    ]
    + [("associated", sign) for sign in ("stridor", "generalized_stiffness", "hypotonia")]
    + [
        ("consciousness", "altered"),
        ("after_event", "sleepy"),
        ("after_event", "floppy"),
        ("symmetry", "unilateral"),
        ("distribution", "one_leg"),
        ("stops_with_gentle_restraint", "no"),
        ("clusters", "yes"),
    ]
)

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _triage(case) -> int:
    return rank(score(case)["triage"])


def _with(case, where, field, value):
    changed = copy.deepcopy(case)
    target = changed["infant"] if where is None else changed["episodes"][where]
    target[field] = value
    return changed


def _known_answers(field, where):
    if where is None:
        if field in INFANT_NUMBERS:
            return list(INFANT_NUMBERS[field])
        if field in INFANT_BOOLEANS:
            return [True, False]
        if field == "family_history":
            return [[], *[[code] for code in codes(vocabulary.FAMILY_HISTORY)]]
        return list(codes(vocabulary.VOCABULARIES[field]))
    if field in EPISODE_NUMBERS:
        return list(EPISODE_NUMBERS[field])
    if field == "video_available":
        return [True, False]
    if field in LIST_FIELDS:
        return [[], *[[code] for code in codes(vocabulary.VOCABULARIES[field])]]
    return list(codes(vocabulary.VOCABULARIES[field]))


@PROPERTY_SETTINGS
@given(CASES)
def test_result_is_deterministic_json(case):
    first = score(case)
    assert score(copy.deepcopy(case)) == first
    assert json.loads(json.dumps(first)) == first


@PROPERTY_SETTINGS
@given(CASES, st.data())
def test_adding_a_red_flag_to_an_episode_never_lowers_triage(case, data):
    where = data.draw(st.integers(0, len(case["episodes"]) - 1))
    field, value = data.draw(st.sampled_from(RED_FLAG_CHANGES))
    flagged = copy.deepcopy(case)
    target = flagged["episodes"][where]
    if field in LIST_FIELDS:
        target[field] = sorted({*(target.get(field) or []), value})
    else:
        target[field] = value
    assert _triage(flagged) >= _triage(case)


@PROPERTY_SETTINGS
@given(CASES, st.data())
def test_an_unknown_answer_is_never_treated_as_better_than_any_known_answer(case, data):
    where = data.draw(st.none() | st.integers(0, len(case["episodes"]) - 1))
    fields = (
        [*INFANT_NUMBERS, *INFANT_VOCABULARY_FIELDS, *INFANT_BOOLEANS, "family_history"]
        if where is None
        else [*VOCABULARY_FIELDS, *LIST_FIELDS, *EPISODE_NUMBERS, "video_available"]
    )
    field = data.draw(st.sampled_from(fields))
    best_known = min(_triage(_with(case, where, field, v)) for v in _known_answers(field, where))
    unknown = _with(case, where, field, None)
    assert _triage(unknown) >= best_known
    dropped = copy.deepcopy(unknown)
    (dropped["infant"] if where is None else dropped["episodes"][where]).pop(field)
    assert _triage(dropped) == _triage(unknown)


@PROPERTY_SETTINGS
@given(CASES, st.data())
def test_dropping_a_normal_result_never_lowers_triage(case, data):
    infant = case["infant"]
    infant_hours = None if infant.get("age_days") is None else infant["age_days"] * 24

    def is_normal(result):
        if "value" not in result:
            return result.get("interpretation") == "normal"
        hours = result["age_hours"] if result["age_hours"] is not None else infant_hours
        interpretation = interpret_lab(
            result["test"],
            result["value"],
            result["unit"],
            age_hours=hours,
            gestational_weeks=infant.get("gestational_weeks"),
            birth_weight_g=infant.get("birth_weight_g"),
        )
        return interpretation["flag"] == "normal"

    normal = [index for index, result in enumerate(case["results"]) if is_normal(result)]
    if not normal:
        return
    index = data.draw(st.sampled_from(normal))
    fewer = copy.deepcopy(case)
    del fewer["results"][index]
    assert _triage(fewer) >= _triage(case)


@PROPERTY_SETTINGS
@given(CASES)
def test_leading_cause_is_explained_by_at_least_one_fired_criterion(case):
    result = score(case)
    leading = result["differential"][0]
    assert result["leading_cause"] == leading["cause"]
    assert leading["for"]
    assert result["triage_rules"]
