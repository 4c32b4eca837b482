"""Every new or changed triage rule of ruleset 2.0.0 (CLINICAL_CRITERIA.md section 0b), with a
case where it fires and a near miss where it does not. Each row names the rule and the phrase of
section 0b it tests; the minimum triage is the rule's level."""

import pytest

from tests.assessments.engine.cases_2 import (
    CLONIC_2,
    JITTERY_2,
    SLEEP_JERKS_2,
    SPASMS_2,
    STARTLE_2,
    case_2,
    eeg,
    ep,
    lab,
    rank,
    score_2,
)

AWAKE_CLONIC = ep(CLONIC_2)
ASLEEP_CLONIC = ep(
    CLONIC_2,
    state="asleep",
    stops_on_waking="no",
    distribution="both_legs",
    symmetry="symmetric",
    consciousness="asleep_unaffected",
)
OPIOIDS = {"maternal_drug_exposure": ["methadone_or_buprenorphine"]}
NEWBORN = {"age_days": 2}
BRIEF_JERKS_AWAKE = ep(
    JITTERY_2,
    movement_type="myoclonic_jerks",
    oscillation="repetitive_brief_jerks",
    rate_hz_est=None,
    clusters="yes",
    stops_with_gentle_restraint="not_tried",
    trigger="crying_or_hunger",
)
SHUDDER = ep(
    JITTERY_2,
    movement_type="shuddering",
    oscillation=None,
    rate_hz_est=None,
    state="feeding",
    trigger="feeding",
    stops_with_gentle_restraint="not_tried",
)

FIRES = [
    # E1: awake restraint failure, sleep clonic not stopping on waking, one-sided in a neonate.
    ("E1", "emergency", case_2(AWAKE_CLONIC)),
    ("E1", "emergency", case_2(ASLEEP_CLONIC)),
    ("E1", "emergency", case_2(ep(ASLEEP_CLONIC, stops_on_waking="not_observed"))),
    (
        "E1",
        "emergency",
        case_2(
            ep(ASLEEP_CLONIC, stops_on_waking="yes", distribution="one_leg", symmetry="unilateral")
        ),
    ),
    ("E1", "emergency", case_2(ep(JITTERY_2, oscillation="fast_slow", clinician_reviewed=True))),
    # E2 with mouth automatisms at any age.
    ("E2", "emergency", case_2(ep(JITTERY_2, movement_type="oral_automatisms"), age_days=120)),
    ("E2", "emergency", case_2(ep(JITTERY_2, eye_signs="deviation"), age_days=200)),
    # E3: altered responsiveness at any age; sleepy afterwards in a young infant.
    ("E3", "emergency", case_2(ep(JITTERY_2, consciousness="altered"), age_days=300)),
    ("E3", "emergency", case_2(ep(JITTERY_2, after_event="sleepy"), age_days=80)),
    ("S15", "same_day", case_2(ep(JITTERY_2, after_event="floppy"), age_days=120)),
    # E4 uses the canonical value: 2.2 mmol/L is 39.6 mg/dL.
    ("E4", "emergency", case_2(results=[lab("glucose", 2.2, "mmol/L", 241)])),
    ("E4", "emergency", case_2(results=[lab("glucose", 39.6, "mg/dL", 236)])),
    # E5: clinical tetany alone, before any calcium result.
    ("E5", "emergency", case_2(ep(JITTERY_2, associated=["carpopedal_spasm"]))),
    ("E5", "emergency", case_2(ep(JITTERY_2, associated=["stridor"]))),
    ("E5", "emergency", case_2(ep(JITTERY_2, autonomic=["apnea"], associated=["twitching"]))),
    ("E5", "emergency", case_2(AWAKE_CLONIC, results=[lab("ionized_calcium", 0.9, "mmol/L")])),
    # E6: young infant (to 90 days) with fever, hypothermia, lethargy... or a bulging fontanelle.
    ("E6", "emergency", case_2(ep(JITTERY_2, temperature_c=38.0), age_days=40)),
    ("E6", "emergency", case_2(ep(JITTERY_2, associated=["fever"]), age_days=90)),
    ("E6", "emergency", case_2(ep(JITTERY_2, temperature_c=35.9), age_days=50)),
    ("E6", "emergency", case_2(ep(JITTERY_2, associated=["lethargy"]), age_days=60)),
    ("E6", "emergency", case_2(ep(JITTERY_2, associated=["high_pitched_cry"]), age_days=30)),
    ("E6", "emergency", case_2(ep(JITTERY_2, associated=["respiratory_difficulty"]), age_days=70)),
    ("E6", "emergency", case_2(fontanelle="bulging", age_days=45)),
    ("E6", "emergency", case_2(ep(JITTERY_2, associated=["lethargy"]), age_days=3, **OPIOIDS)),
    ("E6", "emergency", case_2(ep(JITTERY_2, temperature_c=38.5), age_days=3, **OPIOIDS)),
    # E7 and E8.
    (
        "E7",
        "emergency",
        case_2(ep(STARTLE_2, autonomic=["apnea"], associated=["generalized_stiffness"])),
    ),
    (
        "E8",
        "emergency",
        case_2(results=[eeg("electrographic_seizures", test="eeg", captured=False)]),
    ),
    ("E8", "emergency", case_2(results=[eeg("epileptiform", types=["fine_tremor"])])),
    # S1 from birth, for brief symmetric jerks in clusters whatever they are called.
    ("S1", "same_day", case_2(ep(SPASMS_2), age_days=20)),
    ("S1", "same_day", case_2(BRIEF_JERKS_AWAKE, age_days=100)),
    (
        "S1",
        "same_day",
        case_2(ep(STARTLE_2, clusters="yes", trigger="crying_or_hunger"), age_days=150),
    ),
    # A spasm whose clustering is unknown may be a cluster (unknown is never normal).
    ("S1", "same_day", case_2(ep(SPASMS_2, clusters=None), age_days=150)),
    # S19: sustained stiffening not locked to a startle.
    (
        "S19",
        "same_day",
        case_2(
            ep(
                JITTERY_2, movement_type="tonic_stiffening", oscillation="sustained", trigger="none"
            ),
            age_days=20,
        ),
    ),
    # S2: no glucose within the window of the latest episode.
    ("S2", "same_day", case_2(ep(JITTERY_2, age_hours=30), age_days=1.5)),
    (
        "S2",
        "same_day",
        case_2(
            ep(JITTERY_2, age_hours=60), age_days=2.5, results=[lab("glucose", 70, age_hours=10)]
        ),
    ),
    # S6: beyond 72 h, jitteriness with sweating etc. and no current glucose.
    ("S6", "same_day", case_2(ep(JITTERY_2, associated=["sweating"]), age_days=100)),
    # S7 until an ictal EEG of that type is normal.
    ("S7", "same_day", case_2(SHUDDER, age_days=200, development="age_appropriate")),
    (
        "S7",
        "same_day",
        case_2(ep(BRIEF_JERKS_AWAKE, clusters="no"), age_days=200, development="age_appropriate"),
    ),
    # S8: hyperekplexia pattern without apnea in a young infant.
    ("S8", "same_day", case_2(ep(STARTLE_2, associated=["generalized_stiffness"]))),
    ("S8", "same_day", case_2(STARTLE_2, neuro_exam=["exaggerated_nose_tap_startle"])),
    # S9: maternal opioid-class exposure in a neonate.
    ("S9", "same_day", case_2(ep(JITTERY_2, age_hours=80), age_days=3.5, **OPIOIDS)),
    (
        "S9",
        "same_day",
        case_2(
            ep(JITTERY_2, associated=["inconsolable_crying"]),
            age_days=5,
            maternal_drug_exposure=["benzodiazepines"],
        ),
    ),
    (
        "S9",
        "same_day",
        case_2(
            ep(JITTERY_2, associated=["high_pitched_cry", "poor_feeding"]),
            age_days=3,
            maternal_drug_exposure=["opioids"],
        ),
    ),
    # S10: tuberous sclerosis signs with jerks, spasms or one-sided movements.
    (
        "S10",
        "same_day",
        case_2(
            ep(BRIEF_JERKS_AWAKE, clusters="no"), age_days=150, skin_signs=["hypomelanotic_macules"]
        ),
    ),
    (
        "S10",
        "same_day",
        case_2(
            ep(JITTERY_2, movement_type="myoclonic_jerks", state="asleep", stops_on_waking="yes"),
            age_days=150,
            family_history=["tuberous_sclerosis"],
        ),
    ),
    # S11: clinician-rated clonic pattern while awake, beyond the neonatal period.
    (
        "S11",
        "same_day",
        case_2(ep(JITTERY_2, oscillation="fast_slow", clinician_reviewed=True), age_days=200),
    ),
    (
        "S11",
        "same_day",
        case_2(
            ep(
                JITTERY_2,
                movement_type="rhythmic_clonic_jerks",
                rate_hz_est=2,
                oscillation=None,
                clinician_reviewed=True,
                stops_with_gentle_restraint="yes",
            ),
            age_days=200,
        ),
    ),
    # S12: subtle seizures in a neonate.
    ("S12", "emergency", case_2(ep(JITTERY_2, movement_type="pedalling_or_boxing"))),
    ("S12", "emergency", case_2(ep(JITTERY_2, autonomic=["apnea"]))),
    ("S12", "emergency", case_2(ep(JITTERY_2, autonomic=["cyanosis_or_color_change"]))),
    # S13: fever beyond 90 days.
    ("S13", "same_day", case_2(ep(JITTERY_2, temperature_c=38.6), age_days=120)),
    # S14: persistent low glucose after 48 h, whatever the episode looks like.
    (
        "S14",
        "same_day",
        case_2(
            ep(JITTERY_2, age_hours=400), age_days=17, results=[lab("glucose", 55, age_hours=60)]
        ),
    ),
    # S16, S17, S18 and P1.
    ("S16", "same_day", case_2(ep(JITTERY_2, temperature_c=36.2))),
    ("S17", "same_day", case_2(results=[lab("sodium", 151, "mmol/L")])),
    ("S17", "same_day", case_2(results=[lab("sodium", 129, "mmol/L")])),
    ("S18", "same_day", case_2(ep(JITTERY_2, associated=["jaundice", "arching_or_opisthotonus"]))),
    ("P1", "same_day", case_2(results=[eeg("epileptiform", captured=False, test="eeg")])),
    # Routine rules.
    ("R1", "routine_visit", case_2(age_days=90)),
    ("R1", "routine_visit", case_2(age_days=90, gestational_weeks=36)),
    ("R2", "routine_visit", case_2(SLEEP_JERKS_2)),
    ("R3", "routine_visit", case_2(STARTLE_2, age_days=200, development="age_appropriate")),
    (
        "R4",
        "routine_visit",
        case_2(
            SHUDDER,
            age_days=200,
            development="age_appropriate",
            results=[eeg(types=["shuddering"])],
        ),
    ),
    (
        "R6",
        "routine_visit",
        case_2(ep(JITTERY_2, age_hours=100), age_days=5, maternal_drug_exposure=["ssri_snri"]),
    ),
    # Reassurance and the override.
    ("M1", "reassure_monitor", case_2()),
    (
        "OVR1",
        "routine_visit",
        case_2(
            SHUDDER,
            age_days=200,
            development="age_appropriate",
            results=[eeg(types=["shuddering"])],
        ),
    ),
]

DOES_NOT_FIRE = [
    ("E1", case_2(ep(ASLEEP_CLONIC, stops_on_waking="yes"), age_days=60)),
    ("E1", case_2(ep(SLEEP_JERKS_2, distribution="one_leg", symmetry="unilateral"))),
    ("E1", case_2(ep(JITTERY_2, oscillation="fast_slow", clinician_reviewed=True), age_days=200)),
    ("E2", case_2(ep(JITTERY_2, movement_type="pedalling_or_boxing"), age_days=200)),
    ("E3", case_2(ep(JITTERY_2, after_event="floppy"), age_days=120)),
    ("E4", case_2(results=[lab("glucose", 2.3, "mmol/L", 241)])),
    ("E4", case_2(results=[lab("glucose", 40, "mg/dL", 241)])),
    ("E4", case_2(results=[lab("glucose", 30, "mg/dL", 200)])),
    ("E5", case_2(results=[lab("ionized_calcium", 0.9, "mmol/L")])),
    ("E6", case_2(ep(JITTERY_2, temperature_c=38.0), age_days=91)),
    ("E6", case_2(ep(JITTERY_2, temperature_c=37.9), age_days=40)),
    ("E6", case_2(ep(JITTERY_2, temperature_c=36.0), age_days=40)),
    (
        "E6",
        case_2(
            ep(JITTERY_2, associated=["poor_feeding", "high_pitched_cry", "inconsolable_crying"]),
            age_days=3,
            **OPIOIDS,
        ),
    ),
    ("E6", case_2(ep(JITTERY_2, associated=["inconsolable_crying"]), age_days=40)),
    ("E7", case_2(ep(STARTLE_2, associated=["generalized_stiffness"]))),
    ("E8", case_2(results=[eeg("epileptiform", test="eeg", captured=False)])),
    (
        "E8",
        case_2(
            results=[
                eeg("electrographic_seizures", age_hours=100),
                eeg("normal", test="eeg", captured=False, age_hours=200),
            ]
        ),
    ),
    ("S1", case_2(ep(SPASMS_2), age_days=760)),
    ("S1", case_2(ep(BRIEF_JERKS_AWAKE, clusters="no"), age_days=100)),
    (
        "S1",
        case_2(
            ep(SPASMS_2),
            age_days=200,
            results=[eeg(types=["spasm_like_flexion_extension"], age_hours=4900)],
        ),
    ),
    (
        "S2",
        case_2(
            ep(JITTERY_2, age_hours=30), age_days=1.5, results=[lab("glucose", 70, age_hours=32)]
        ),
    ),
    ("S2", case_2(ep(JITTERY_2, age_hours=80), age_days=3.5)),
    ("S1", case_2(ep(SPASMS_2, clusters="no"), age_days=150)),
    ("S19", case_2(ep(STARTLE_2, movement_type="tonic_stiffening", oscillation=None), age_days=20)),
    (
        "S6",
        case_2(
            ep(JITTERY_2, associated=["sweating"]),
            age_days=100,
            results=[lab("glucose", 80, age_hours=2405)],
        ),
    ),
    ("S6", case_2(ep(JITTERY_2, age_hours=60, associated=["sweating"]), age_days=2.5)),
    (
        "S7",
        case_2(
            SHUDDER,
            age_days=200,
            development="age_appropriate",
            results=[eeg(types=["shuddering"], age_hours=4900)],
        ),
    ),
    ("S8", case_2(ep(STARTLE_2, associated=["generalized_stiffness"]), age_days=200)),
    ("S9", case_2(ep(JITTERY_2, age_hours=960), age_days=40, **OPIOIDS)),
    ("S9", case_2(ep(JITTERY_2, age_hours=80), age_days=3.5, maternal_drug_exposure=["nicotine"])),
    (
        "S10",
        case_2(age_days=150, skin_signs=["cafe_au_lait_macules"], development="age_appropriate"),
    ),
    ("S10", case_2(ep(JITTERY_2), age_days=150, skin_signs=["hypomelanotic_macules"])),
    ("S11", case_2(ep(JITTERY_2, oscillation="fast_slow"), age_days=200)),
    ("S12", case_2(ep(JITTERY_2, movement_type="pedalling_or_boxing"), age_days=60)),
    ("S13", case_2(ep(JITTERY_2, temperature_c=37.5), age_days=120)),
    (
        "S14",
        case_2(
            ep(JITTERY_2, age_hours=400),
            age_days=17,
            results=[lab("glucose", 55, age_hours=60), lab("glucose", 75, age_hours=70)],
        ),
    ),
    (
        "S14",
        case_2(
            ep(JITTERY_2, age_hours=400), age_days=17, results=[lab("glucose", 45, age_hours=30)]
        ),
    ),
    ("S16", case_2(ep(JITTERY_2, temperature_c=36.5))),
    ("S17", case_2(results=[lab("sodium", 150, "mmol/L")])),
    ("S17", case_2(results=[lab("sodium", 130, "mmol/L")])),
    ("S17", case_2(results=[lab("sodium", 160, "mmol/L", 100)])),
    ("S18", case_2(ep(JITTERY_2, associated=["jaundice"]))),
    ("R1", case_2(age_days=90, gestational_weeks=30)),
    ("R1", case_2(age_days=120, gestational_weeks=28)),
    ("R6", case_2(ep(JITTERY_2, age_hours=50), age_days=2, maternal_drug_exposure=["ssri_snri"])),
    ("M1", case_2(maternal_drug_exposure=None)),
    ("M1", case_2(ep(JITTERY_2, temperature_c=None, associated=None))),
]


def _name(row):
    return row[0]


@pytest.mark.parametrize(("rule", "minimum", "case"), FIRES, ids=[r[0] for r in FIRES])
def test_rule_fires_and_sets_at_least_its_level(rule, minimum, case):
    result = score_2(case)
    assert rule in result["triage_rules"], result["triage_rules"]
    assert rank(result["triage"]) >= rank(minimum)
    fired = next(r for r in result["rules_fired"] if r["id"] == rule)
    assert fired["text"]
    assert fired["level"]


@pytest.mark.parametrize(("rule", "case"), DOES_NOT_FIRE, ids=[r[0] for r in DOES_NOT_FIRE])
def test_rule_does_not_fire_on_the_near_miss(rule, case):
    assert rule not in score_2(case)["triage_rules"]


def test_rules_fired_name_the_episodes_they_came_from():
    result = score_2(case_2(JITTERY_2, AWAKE_CLONIC, ep(JITTERY_2, eye_signs="staring")))
    episodes = {rule["id"]: rule["episodes"] for rule in result["rules_fired"]}
    assert episodes["E1"] == [1]
    assert episodes["E2"] == [2]
    assert all(r["episodes"] == [] for r in result["rules_fired"] if r["id"] in ("I1", "M1"))


def test_a_rule_about_the_case_names_no_episode():
    result = score_2(case_2(results=[lab("sodium", 155, "mmol/L")]))
    assert next(r for r in result["rules_fired"] if r["id"] == "S17")["episodes"] == []
