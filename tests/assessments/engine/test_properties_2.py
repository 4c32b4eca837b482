"""Safety invariants I1-I5 of ruleset 2.0.0 (CLINICAL_CRITERIA.md section 0b) over generated
contract-2 cases, plus the 1.0.0 properties that still hold. Deterministic (derandomized)."""

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.engine import score, vocabulary
from tests.assessments.engine.cases_2 import rank

codes = vocabulary.codes
V2 = vocabulary.VOCABULARIES_2
EXAMPLES = 300
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
EPISODE_CHOICES = (
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
EPISODE_LISTS = ("autonomic", "associated")
AGE_DAYS = (0.5, 1, 2, 2.9, 3, 5, 10, 20, 28, 29, 35, 60, 61, 89, 90, 91, 120, 190, 400, 800)


def _maybe(strategy):
    return st.none() | strategy


def _choice(field):
    return st.sampled_from(codes(V2[field]))


def _subset(field, size=3):
    return st.lists(_choice(field), unique=True, max_size=size)


INFANTS = st.fixed_dictionaries(
    {"age_days": _maybe(st.sampled_from(AGE_DAYS))},
    optional={
        "gestational_weeks": _maybe(st.sampled_from((26, 30, 34, 36.9, 37, 40))),
        "birth_weight_g": _maybe(st.sampled_from((900, 1499, 1500, 3300, 4500))),
        "maternal_diabetes": _maybe(st.booleans()),
        "maternal_drug_exposure": _maybe(_subset("maternal_drug_exposure", 2)),
        "size_for_gestational_age": _maybe(_choice("size_for_gestational_age")),
        "feeding": _maybe(_choice("feeding")),
        "development": _maybe(_choice("development")),
        "neuro_exam": _maybe(_subset("neuro_exam", 2)),
        "family_history": _maybe(_subset("family_history", 2)),
        "skin_signs": _maybe(_subset("skin_signs", 2)),
        "head": _maybe(_choice("head")),
        "fontanelle": _maybe(_choice("fontanelle")),
        "medications": st.lists(
            st.fixed_dictionaries(
                {"drug": _choice("medication_drug"), "response": _choice("medication_response")}
            ),
            max_size=1,
        ),
    },
)
EPISODES = st.fixed_dictionaries(
    {},
    optional={
        **{field: _maybe(_choice(field)) for field in EPISODE_CHOICES},
        **{field: _maybe(_subset(field)) for field in EPISODE_LISTS},
        "rate_hz_est": _maybe(st.sampled_from((0.5, 2, 4, 8))),
        "episode_duration_s": _maybe(st.sampled_from((5, 60, 400))),
        "episodes_per_day": _maybe(st.sampled_from((1, 5, 30))),
        "video_available": _maybe(st.booleans()),
        "temperature_c": _maybe(st.sampled_from((35.5, 36.0, 36.3, 36.8, 37.9, 38.0, 39.2))),
        "clinician_reviewed": _maybe(st.booleans()),
        "hours_before_now": st.sampled_from((0, 1, 5, 30, 100)),
    },
)
# Lab values are drawn in mmol/L so that the mg/dL twin is the same float after conversion.
MMOL_HIGHEST = {
    "glucose": 6.5,
    "total_calcium": 2.8,
    "ionized_calcium": 1.5,
    "magnesium": 1.2,
    "phosphate": 3.5,
}
FACTORS = {
    "glucose": 18.0,
    "total_calcium": 4.0,
    "ionized_calcium": 4.0,
    "magnesium": 2.43,
    "phosphate": 3.1,
}
LABS = st.builds(
    lambda test, tenths, unit, before: {
        "test": test,
        "value": round(tenths * MMOL_HIGHEST[test] / 40, 2),
        "unit": "mmol/L",
        "hours_before_now": before,
        "as": unit,
    },
    st.sampled_from(tuple(MMOL_HIGHEST)),
    st.integers(1, 40),
    st.sampled_from(("mg/dL", "mmol/L")),
    st.sampled_from((0, 2, 4, 7, 30, 60, 200, None)),
)
OTHER_RESULTS = st.one_of(
    st.builds(
        lambda value, before: {
            "test": "sodium",
            "value": value,
            "unit": "mmol/L",
            "hours_before_now": before,
        },
        st.sampled_from((125, 130, 140, 150, 155)),
        st.sampled_from((0, 30, 100)),
    ),
    st.fixed_dictionaries(
        {
            "test": st.sampled_from(("eeg", "video_eeg")),
            "interpretation": _choice("eeg_interpretation"),
            "hours_before_now": st.sampled_from((0, 3, 50, None)),
        },
        optional={
            "captured_typical_event": st.booleans(),
            "captured_event_types": _subset("movement_type", 2),
        },
    ),
)


def _dated(infant, record):
    record = dict(record)
    before = record.pop("hours_before_now", None)
    if "as" in record:
        unit = record.pop("as")
        if unit == "mg/dL":
            record["value"] = record["value"] * FACTORS[record["test"]]
            record["unit"] = "mg/dL"
    now = None if infant["age_days"] is None else infant["age_days"] * 24
    if before is not None and now is not None:
        record["age_hours"] = max(now - before, 0)
    return record


@st.composite
def cases(draw):
    infant = draw(INFANTS)
    episodes = [_dated(infant, e) for e in draw(st.lists(EPISODES, min_size=1, max_size=3))]
    results = [_dated(infant, r) for r in draw(st.lists(LABS | OTHER_RESULTS, max_size=3))]
    return {"infant": infant, "episodes": episodes, "results": results}


CASES = cases()
RED_FLAG_CHANGES = (
    [("eye_signs", sign) for sign in ("deviation", "staring", "nystagmoid", "upward_rolling")]
    + [("autonomic", sign) for sign in codes(vocabulary.AUTONOMIC)]
    + [
        ("associated", sign)
        for sign in (
            "poor_feeding",
            "lethargy",
            "fever",
            "hypothermia",
            "carpopedal_spasm",
            "stridor",
            "high_pitched_cry",
            "respiratory_difficulty",
            "generalized_stiffness",
        )
    ]
    + [
        ("consciousness", "altered"),
        ("after_event", "sleepy"),
        ("after_event", "floppy"),
        ("symmetry", "unilateral"),
        ("distribution", "one_leg"),
        ("stops_with_gentle_restraint", "no"),
        ("clusters", "yes"),
        ("temperature_c", 38.5),
        ("temperature_c", 35.5),
        ("movement_type", "oral_automatisms"),
    ]
)


def _score(case):
    return score(case, ruleset="2.0.0")


def _triage(case) -> int:
    return rank(_score(case)["triage"])


@PROPERTY_SETTINGS
@given(CASES)
def test_i1_a_current_red_flag_means_same_day_or_higher(case):
    result = _score(case)
    if result["red_flags"]:
        assert rank(result["triage"]) >= rank("same_day"), result["red_flags"]
    for flag in result["red_flags_history"]:
        assert flag["why_history"]


@PROPERTY_SETTINGS
@given(CASES, st.data())
def test_i2_adding_a_red_flag_to_any_episode_never_lowers_triage(case, data):
    where = data.draw(st.integers(0, len(case["episodes"]) - 1))
    field, value = data.draw(st.sampled_from(RED_FLAG_CHANGES))
    flagged = copy.deepcopy(case)
    target = flagged["episodes"][where]
    if field in EPISODE_LISTS:
        target[field] = sorted({*(target.get(field) or []), value})
    else:
        target[field] = value
    assert _triage(flagged) >= _triage(case)


@PROPERTY_SETTINGS
@given(CASES)
def test_i3_the_same_measurement_gives_the_same_triage_in_either_unit(case):
    swapped = copy.deepcopy(case)
    for result in swapped["results"]:
        test = result["test"]
        if test in FACTORS and result.get("unit") == "mmol/L":
            result["value"], result["unit"] = result["value"] * FACTORS[test], "mg/dL"
        elif test in FACTORS:
            continue
    original, converted = _score(case), _score(swapped)
    assert original["triage"] == converted["triage"]
    assert original["triage_rules"] == converted["triage_rules"]


RATED = (
    "fine_tremor",
    "coarse_tremor",
    "startle_moro",
    "myoclonic_jerks",
    "rhythmic_clonic_jerks",
    "tonic_stiffening",
    "spasm_like_flexion_extension",
    "shuddering",
    "unspecified_jerking",
)


@PROPERTY_SETTINGS
@given(CASES, st.data())
def test_i4_a_clinician_rating_outranks_the_caregivers_description(case, data):
    where = data.draw(st.integers(0, len(case["episodes"]) - 1))
    rated = copy.deepcopy(case)
    episode = rated["episodes"][where]
    episode["clinician_reviewed"] = True
    episode["oscillation"] = data.draw(_choice("oscillation"))
    if episode.get("movement_type") not in (None, *RATED):
        episode["movement_type"] = "fine_tremor"
    other = copy.deepcopy(rated)
    other["episodes"][where]["movement_type"] = data.draw(st.sampled_from(RATED))
    assert _score(rated)["triage"] == _score(other)["triage"]
    if episode["oscillation"] == "fast_slow" and episode.get("state") not in (None, "asleep"):
        # "stops with holding" cannot bring a clinician's clonic rating below same day (S11).
        episode["stops_with_gentle_restraint"] = "yes"
        assert rank(_score(rated)["triage"]) >= rank("same_day")


EYE_ENTRIES = {"NS6", "PJA3", "RF2"}


@PROPERTY_SETTINGS
@given(CASES, st.data())
def test_i5_a_feature_of_one_episode_is_credited_to_that_episode_only(case, data):
    where = data.draw(st.integers(0, len(case["episodes"]) - 1))
    marked = copy.deepcopy(case)
    for index, episode in enumerate(marked["episodes"]):
        episode["eye_signs"] = "deviation" if index == where else "none"
    result = _score(marked)
    entries = [*result["red_flags"], *result["red_flags_history"], *result["rules_fired"]]
    for cause in result["differential"]:
        entries += cause["for"] + cause["against"]
    count = len(marked["episodes"])
    for entry in entries:
        assert all(0 <= index < count for index in entry["episodes"])
        if entry["id"] in EYE_ENTRIES:
            assert entry["episodes"] == [where], entry


# Question code -> the episode answers that answer it.
ANSWERED_BY = {
    "state": lambda e: e.get("state") is not None,
    "movement": lambda e: e.get("movement_type") is not None or e.get("oscillation") is not None,
    "trigger": lambda e: e.get("trigger") is not None,
    "side": lambda e: e.get("distribution") is not None or e.get("symmetry") is not None,
    "eyes": lambda e: e.get("eye_signs") is not None,
    "breathing_colour": lambda e: e.get("autonomic") is not None,
    "responsiveness": lambda e: e.get("consciousness") not in (None, "unclear"),
    "after_episode": lambda e: e.get("after_event") is not None,
    "feeding_fever": lambda e: e.get("associated") is not None,
    "clusters": lambda e: e.get("clusters") not in (None, "unknown"),
    "hold_leg": lambda e: (
        e.get("stops_with_gentle_restraint") in ("yes", "partially", "no", "worsens")
    ),
    "woken_during_episode": lambda e: (
        e.get("state") == "asleep" and e.get("stops_on_waking") in ("yes", "no")
    ),
    "temperature": lambda e: e.get("temperature_c") is not None,
    "video": lambda e: e.get("video_available") is True,
}


@PROPERTY_SETTINGS
@given(CASES)
def test_i5_missing_information_never_asks_what_some_episode_answered(case):
    asked = {question["code"] for question in _score(case)["missing_information"]}
    for code, answered in ANSWERED_BY.items():
        if any(answered(episode) for episode in case["episodes"]):
            assert code not in asked, code


@PROPERTY_SETTINGS
@given(CASES)
def test_i5_age_restricted_facts_are_shown_only_at_those_ages(case):
    result = _score(case)
    weeks = case["infant"].get("gestational_weeks")
    for cause in result["differential"]:
        for reason in cause["for"]:
            if reason["id"] == "PJ1":  # "44% of healthy term neonates"
                assert weeks is not None
                assert weeks >= 37
                for index in reason["episodes"]:
                    hours = case["episodes"][index].get("age_hours")
                    if hours is None:
                        hours = case["infant"]["age_days"] * 24
                    assert hours / 24 <= 28 or weeks + hours / 24 / 7 < 44


@PROPERTY_SETTINGS
@given(CASES)
def test_result_is_deterministic_json_with_support_words_and_coded_advice(case):
    first = _score(case)
    assert _score(copy.deepcopy(case)) == first
    assert json.loads(json.dumps(first)) == first
    for cause in first["differential"]:
        assert cause["support"] in ("strong", "moderate", "weak", "none")
        assert (cause["support"] == "none") == (not cause["for"])
    advice = first["advice"]
    assert advice["level"] == first["triage"]
    lines = [advice["headline"], *advice["steps"], *advice["emergency_signs"], advice["what_next"]]
    assert all(line["code"] and line["text"] for line in lines)
    assert all(question["code"] for question in first["missing_information"])
    if first["leading_cause"] is not None:
        assert first["differential"][0]["cause"] == first["leading_cause"]
        assert first["differential"][0]["for"]


UNKNOWABLE = {
    "temperature_c": (35.5, 36.2, 36.8, 38.5),
    "clinician_reviewed": (True, False),
    "eye_signs": tuple(codes(V2["eye_signs"])),
    "consciousness": tuple(codes(V2["consciousness"])),
    "after_event": tuple(codes(V2["after_event"])),
    "stops_with_gentle_restraint": tuple(codes(V2["stops_with_gentle_restraint"])),
    "associated": ([], ["fever"], ["poor_feeding"], ["high_pitched_cry"]),
}


@PROPERTY_SETTINGS
@given(CASES, st.data())
def test_an_unknown_answer_is_never_triaged_lower_than_the_most_reassuring_known_one(case, data):
    where = data.draw(st.integers(0, len(case["episodes"]) - 1))
    field = data.draw(st.sampled_from(sorted(UNKNOWABLE)))

    def with_value(value):
        changed = copy.deepcopy(case)
        changed["episodes"][where][field] = value
        return _triage(changed)

    assert with_value(None) >= min(with_value(value) for value in UNKNOWABLE[field])
