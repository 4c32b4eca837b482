"""Presentations written from the kinds of published cases and guidelines section 0b names, each
with the minimum triage it must get (and, for benign ones, the most it may get). None is copied
from the specification's own examples; ages, units and timings are varied on purpose."""

import pytest

from tests.assessments.engine.cases_2 import rank, score_2

CALM = {
    "eye_signs": "none",
    "autonomic": [],
    "consciousness": "alert",
    "after_event": "baseline",
    "associated": [],
    "video_available": False,
}
TREMOR = {
    **CALM,
    "state": "awake_crying_or_handled",
    "trigger": "crying_or_hunger",
    "movement_type": "fine_tremor",
    "symmetry": "symmetric",
    "stops_with_gentle_restraint": "yes",
    "clusters": "no",
}
SLEEP_JERKS = {
    **CALM,
    "state": "asleep",
    "trigger": "none",
    "movement_type": "myoclonic_jerks",
    "stops_with_gentle_restraint": "no",
    "stops_on_waking": "yes",
    "consciousness": "asleep_unaffected",
    "symmetry": "symmetric",
}
CLONIC = {
    **CALM,
    "state": "awake_calm",
    "trigger": "none",
    "movement_type": "rhythmic_clonic_jerks",
    "stops_with_gentle_restraint": "no",
}
TERM = {
    "gestational_weeks": 39,
    "birth_weight_g": 3400,
    "maternal_diabetes": False,
    "maternal_drug_exposure": [],
    "feeding": "breast",
    "neuro_exam": ["normal"],
}


def infant(days, **more):
    return {**TERM, "age_days": days, **more}


def at(days):
    return days * 24


PRESENTATIONS = [
    # Febrile young infants (AAP 2021 febrile infant guideline; NICE NG143).
    (
        "febrile lethargic 35-day-old with tremor",
        "emergency",
        "infection_sepsis_meningitis",
        {
            "infant": infant(35),
            "episodes": [{**TREMOR, "temperature_c": 38.4, "associated": ["lethargy"]}],
        },
    ),
    (
        "6-week-old whose parent logged fever and jerks",
        "emergency",
        None,
        {
            "infant": infant(42),
            "episodes": [{**CALM, "movement_type": "unspecified_jerking", "associated": ["fever"]}],
        },
    ),
    (
        "hypothermic 10-day-old, 35.6 C, jittery",
        "emergency",
        None,
        {"infant": infant(10), "episodes": [{**TREMOR, "temperature_c": 35.6}]},
    ),
    (
        "7-week-old with shaking and a bulging fontanelle, no fever",
        "emergency",
        None,
        {"infant": infant(49, fontanelle="bulging"), "episodes": [TREMOR]},
    ),
    (
        "6-month-old shaking with a fever of 39.1 C (rigor)",
        "same_day",
        None,
        {
            "infant": infant(182, development="age_appropriate"),
            "episodes": [{**TREMOR, "temperature_c": 39.1}],
        },
    ),
    (
        "two-week-old with cold stress 36.2 C",
        "same_day",
        None,
        {"infant": infant(14), "episodes": [{**TREMOR, "temperature_c": 36.2}]},
    ),
    # Hypocalcaemia and tetany (Vuralli 2019; Thomas 2012).
    (
        "stridor and carpopedal spasm on day 6, no calcium yet",
        "emergency",
        "hypocalcemia",
        {
            "infant": infant(6, feeding="formula"),
            "episodes": [{**TREMOR, "associated": ["stridor", "carpopedal_spasm"]}],
        },
    ),
    (
        "apnea with twitching on day 5",
        "emergency",
        None,
        {
            "infant": infant(5),
            "episodes": [{**TREMOR, "autonomic": ["apnea"], "associated": ["twitching"]}],
        },
    ),
    (
        "clonic jerks with ionized calcium 0.88 mmol/L",
        "emergency",
        "hypocalcemia",
        {
            "infant": infant(7, feeding="formula"),
            "episodes": [{**CLONIC, "age_hours": at(7)}],
            "results": [
                {"test": "ionized_calcium", "value": 0.88, "unit": "mmol/L", "age_hours": at(7) + 1}
            ],
        },
    ),
    (
        "late hypocalcaemia: formula-fed day 6, increasing jitteriness",
        "same_day",
        None,
        {
            "infant": infant(6, feeding="formula"),
            "episodes": [{**TREMOR, "episodes_per_day": 3}, {**TREMOR, "episodes_per_day": 9}],
        },
    ),
    (
        "rickets tetany: 5-month-old breastfed with carpopedal spasm",
        "emergency",
        None,
        {
            "infant": infant(150, development="age_appropriate"),
            "episodes": [{**TREMOR, "associated": ["carpopedal_spasm"]}],
        },
    ),
    (
        "low magnesium 0.5 mmol/L with tremor on day 8",
        "same_day",
        None,
        {
            "infant": infant(8),
            "episodes": [{**TREMOR, "age_hours": at(8)}],
            "results": [{"test": "magnesium", "value": 0.5, "unit": "mmol/L", "age_hours": at(8)}],
        },
    ),
    # Hypoglycaemia (AAP 2011; PES 2015).
    (
        "glucose 2.2 mmol/L at 20 h with jitteriness",
        "emergency",
        "hypoglycemia",
        {
            "infant": infant(1),
            "episodes": [{**TREMOR, "age_hours": 20}],
            "results": [{"test": "glucose", "value": 2.2, "unit": "mmol/L", "age_hours": 21}],
        },
    ),
    (
        "glucose 39.6 mg/dL at 20 h with jitteriness",
        "emergency",
        "hypoglycemia",
        {
            "infant": infant(1),
            "episodes": [{**TREMOR, "age_hours": 20}],
            "results": [{"test": "glucose", "value": 39.6, "unit": "mg/dL", "age_hours": 18}],
        },
    ),
    (
        "a two-day-old glucose does not clear new jitteriness",
        "same_day",
        None,
        {
            "infant": infant(2.6),
            "episodes": [{**TREMOR, "age_hours": 62}],
            "results": [{"test": "glucose", "value": 68, "unit": "mg/dL", "age_hours": 12}],
        },
    ),
    (
        "persistent low glucose 2.9 mmol/L at 60 h, now day 5 with a calm tremor",
        "same_day",
        None,
        {
            "infant": infant(5),
            "episodes": [{**TREMOR, "age_hours": 118}],
            "results": [{"test": "glucose", "value": 2.9, "unit": "mmol/L", "age_hours": 60}],
        },
    ),
    (
        "infant of a diabetic mother, glucose 45 mg/dL at 3 h",
        "same_day",
        "hypoglycemia",
        {
            "infant": infant(0.2, maternal_diabetes=True, size_for_gestational_age="lga"),
            "episodes": [{**TREMOR, "age_hours": 4}],
            "results": [{"test": "glucose", "value": 45, "unit": "mg/dL", "age_hours": 3}],
        },
    ),
    (
        "jitteriness on day 10 with sweating and floppiness, no glucose",
        "same_day",
        None,
        {"infant": infant(10), "episodes": [{**TREMOR, "associated": ["sweating", "hypotonia"]}]},
    ),
    # Drug exposure (AAP NOWS 2020; Eat, Sleep, Console 2023; SSRI).
    (
        "NOWS after maternal methadone: day 3 tremor, high-pitched cry",
        "same_day",
        "drug_exposure_or_withdrawal",
        {
            "infant": infant(3, maternal_drug_exposure=["methadone_or_buprenorphine"]),
            "episodes": [
                {
                    **TREMOR,
                    "age_hours": 75,
                    "associated": ["high_pitched_cry", "inconsolable_crying"],
                }
            ],
            "results": [{"test": "glucose", "value": 72, "unit": "mg/dL", "age_hours": 74}],
        },
    ),
    (
        "NOWS with a fever of 38.3 C",
        "emergency",
        None,
        {
            "infant": infant(4, maternal_drug_exposure=["opioids"]),
            "episodes": [{**TREMOR, "temperature_c": 38.3}],
        },
    ),
    (
        "SSRI exposure, mild jitteriness on day 5",
        "routine_visit",
        None,
        {"infant": infant(5, maternal_drug_exposure=["ssri_snri"]), "episodes": [TREMOR]},
    ),
    (
        "SSRI exposure, jitteriness at 20 h and no glucose",
        "same_day",
        None,
        {
            "infant": infant(0.9, maternal_drug_exposure=["ssri_snri"]),
            "episodes": [{**TREMOR, "age_hours": 20}],
        },
    ),
    # Tuberous sclerosis (Northrup 2021).
    (
        "ash-leaf spots and brief jerks at 5 months",
        "same_day",
        None,
        {
            "infant": infant(
                150, skin_signs=["hypomelanotic_macules"], development="age_appropriate"
            ),
            "episodes": [{**CALM, "state": "awake_calm", "movement_type": "myoclonic_jerks"}],
        },
    ),
    (
        "family TSC and one-sided twitching at 3 months",
        "same_day",
        None,
        {
            "infant": infant(90, family_history=["tuberous_sclerosis"]),
            "episodes": [
                {
                    **CALM,
                    "state": "awake_calm",
                    "movement_type": "unspecified_jerking",
                    "symmetry": "unilateral",
                    "stops_with_gentle_restraint": "yes",
                }
            ],
        },
    ),
    # Subtle neonatal seizures (ILAE 2021; Gomella).
    (
        "pedalling in a two-day-old",
        "emergency",
        "neonatal_or_focal_seizure",
        {
            "infant": infant(2),
            "episodes": [{**CALM, "state": "awake_calm", "movement_type": "pedalling_or_boxing"}],
        },
    ),
    (
        "lip smacking and staring on day 4",
        "emergency",
        "neonatal_or_focal_seizure",
        {
            "infant": infant(4),
            "episodes": [{**CALM, "movement_type": "oral_automatisms", "eye_signs": "staring"}],
        },
    ),
    (
        "isolated apnea in a 9-day-old",
        "emergency",
        None,
        {"infant": infant(9), "episodes": [{**CALM, "autonomic": ["apnea"]}]},
    ),
    (
        "unilateral clonic jerks on day 1 (perinatal stroke)",
        "emergency",
        "neonatal_or_focal_seizure",
        {
            "infant": infant(1),
            "episodes": [{**CLONIC, "distribution": "one_side_arm_leg", "symmetry": "unilateral"}],
        },
    ),
    (
        "clinician sees fast-slow jerks though the parent says holding stops them",
        "emergency",
        "neonatal_or_focal_seizure",
        {
            "infant": infant(12),
            "episodes": [{**TREMOR, "oscillation": "fast_slow", "clinician_reviewed": True}],
        },
    ),
    (
        "the same clinician rating at 6 months",
        "same_day",
        None,
        {
            "infant": infant(185, development="age_appropriate"),
            "episodes": [{**TREMOR, "oscillation": "fast_slow", "clinician_reviewed": True}],
        },
    ),
    (
        "rhythmic jerks in sleep that go on after waking",
        "emergency",
        None,
        {
            "infant": infant(40),
            "episodes": [
                {**SLEEP_JERKS, "movement_type": "rhythmic_clonic_jerks", "stops_on_waking": "no"}
            ],
        },
    ),
    (
        "clonic jerks in sleep, waking not tried, neonate",
        "emergency",
        None,
        {
            "infant": infant(8),
            "episodes": [
                {
                    **SLEEP_JERKS,
                    "movement_type": "rhythmic_clonic_jerks",
                    "stops_on_waking": "not_observed",
                }
            ],
        },
    ),
    # The per-event-type override.
    (
        "new eye deviation after an old normal video-EEG",
        "emergency",
        None,
        {
            "infant": infant(20),
            "episodes": [
                {**SLEEP_JERKS, "age_hours": 100},
                {**SLEEP_JERKS, "age_hours": 420, "eye_signs": "deviation"},
            ],
            "results": [
                {
                    "test": "video_eeg",
                    "interpretation": "normal",
                    "age_hours": 110,
                    "captured_event_types": ["myoclonic_jerks"],
                }
            ],
        },
    ),
    (
        "a normal EEG of sleep jerks says nothing about new awake clonic jerks",
        "emergency",
        None,
        {
            "infant": infant(20),
            "episodes": [{**SLEEP_JERKS, "age_hours": 100}, {**CLONIC, "age_hours": 430}],
            "results": [
                {
                    "test": "video_eeg",
                    "interpretation": "normal",
                    "age_hours": 110,
                    "captured_event_types": ["myoclonic_jerks"],
                }
            ],
        },
    ),
    (
        "seizures recorded on the EEG without visible signs",
        "emergency",
        None,
        {
            "infant": infant(3),
            "episodes": [TREMOR],
            "results": [
                {"test": "eeg", "interpretation": "electrographic_seizures", "age_hours": at(3)}
            ],
        },
    ),
    (
        "epileptiform EEG that captured the typical event",
        "emergency",
        None,
        {
            "infant": infant(60),
            "episodes": [{**CALM, "movement_type": "myoclonic_jerks"}],
            "results": [
                {
                    "test": "video_eeg",
                    "interpretation": "epileptiform",
                    "captured_typical_event": True,
                    "age_hours": at(60),
                }
            ],
        },
    ),
    # Hyperekplexia (Vigevano 1989), shuddering, benign myoclonus, spasms.
    (
        "hyperekplexia: stiff startles and a nose-tap response in a neonate",
        "same_day",
        "pathologic_startle_hyperekplexia",
        {
            "infant": infant(6, neuro_exam=["exaggerated_nose_tap_startle", "hypertonia"]),
            "episodes": [
                {
                    **CALM,
                    "state": "awake_calm",
                    "trigger": "sudden_noise_or_movement",
                    "movement_type": "startle_moro",
                    "associated": ["generalized_stiffness"],
                }
            ],
        },
    ),
    (
        "hyperekplexia with apnea after a startle",
        "emergency",
        None,
        {
            "infant": infant(12, family_history=["startle_disorder"]),
            "episodes": [
                {
                    **CALM,
                    "trigger": "sudden_noise_or_movement",
                    "movement_type": "startle_moro",
                    "autonomic": ["apnea"],
                }
            ],
        },
    ),
    (
        "shuddering at meals at 8 months, no EEG yet",
        "same_day",
        None,
        {
            "infant": infant(240, development="age_appropriate"),
            "episodes": [
                {**CALM, "state": "feeding", "trigger": "feeding", "movement_type": "shuddering"}
            ],
        },
    ),
    (
        "benign myoclonus of early infancy at 4 months, no EEG yet",
        "same_day",
        None,
        {
            "infant": infant(120, development="age_appropriate"),
            "episodes": [
                {
                    **CALM,
                    "state": "awake_calm",
                    "trigger": "excitement",
                    "movement_type": "myoclonic_jerks",
                }
            ],
        },
    ),
    (
        "spasm clusters on waking at 5 months, development normal",
        "same_day",
        "infantile_spasms",
        {
            "infant": infant(150, development="age_appropriate"),
            "episodes": [
                {
                    **CALM,
                    "state": "on_waking",
                    "trigger": "waking",
                    "movement_type": "spasm_like_flexion_extension",
                    "clusters": "yes",
                }
            ],
        },
    ),
    (
        "'colic': brief symmetric jerks in a series with crying at 3 months",
        "same_day",
        None,
        {
            "infant": infant(95, development="age_appropriate"),
            "episodes": [
                {
                    **CALM,
                    "state": "awake_crying_or_handled",
                    "trigger": "crying_or_hunger",
                    "movement_type": "startle_moro",
                    "clusters": "yes",
                }
            ],
        },
    ),
    (
        "spasms with lost smiles at 7 months",
        "same_day",
        None,
        {
            "infant": infant(210, development="regression"),
            "episodes": [{**CALM, "movement_type": "spasm_like_flexion_extension"}],
        },
    ),
    # After the event; sleep jerks; prematurity.
    (
        "floppy after an episode at 6 weeks",
        "emergency",
        None,
        {"infant": infant(42), "episodes": [{**TREMOR, "after_event": "floppy"}]},
    ),
    (
        "sleepy after an episode at 4 months",
        "same_day",
        None,
        {
            "infant": infant(125, development="age_appropriate"),
            "episodes": [{**TREMOR, "after_event": "sleepy"}],
        },
    ),
    (
        "not responding during an event at 8 months",
        "emergency",
        None,
        {
            "infant": infant(245, development="age_appropriate"),
            "episodes": [{**CALM, "movement_type": "tonic_stiffening", "consciousness": "altered"}],
        },
    ),
    (
        "one-sided sleep jerks in a 10-week-old born at 32 weeks (PMA 42 weeks)",
        "same_day",
        None,
        {
            "infant": infant(70, gestational_weeks=32),
            "episodes": [{**SLEEP_JERKS, "symmetry": "unilateral"}],
        },
    ),
    (
        "born at 30 weeks, 50 days old, lethargic and jittery",
        "emergency",
        None,
        {
            "infant": infant(50, gestational_weeks=30, birth_weight_g=1300),
            "episodes": [{**TREMOR, "associated": ["lethargy"]}],
        },
    ),
    (
        "coarse tremor on day 2 with a normal glucose",
        "same_day",
        None,
        {
            "infant": infant(2),
            "episodes": [{**TREMOR, "movement_type": "coarse_tremor", "age_hours": 48}],
            "results": [{"test": "glucose", "value": 70, "unit": "mg/dL", "age_hours": 47}],
        },
    ),
    # Dehydration and jaundice.
    (
        "breastfed day 5, poor feeding, sodium 158 mmol/L",
        "emergency",
        None,
        {
            "infant": infant(5),
            "episodes": [{**TREMOR, "associated": ["poor_feeding"], "age_hours": at(5)}],
            "results": [{"test": "sodium", "value": 158, "unit": "mmol/L", "age_hours": at(5)}],
        },
    ),
    (
        "jaundiced day 4 with arching",
        "same_day",
        None,
        {
            "infant": infant(4),
            "episodes": [{**TREMOR, "associated": ["jaundice", "arching_or_opisthotonus"]}],
        },
    ),
]

BENIGN = [
    (
        "textbook jitteriness in a 10-day-old",
        "reassure_monitor",
        {
            "infant": infant(
                10,
                birth_weight_g=3300,
                development="not_applicable_neonate",
                size_for_gestational_age="aga",
                skin_signs=[],
                head="normal",
                fontanelle="normal",
            ),
            "episodes": [{**TREMOR, "temperature_c": 36.9, "video_available": True}],
        },
    ),
    (
        "typical sleep myoclonus at day 7: routine, confirmed from video",
        "routine_visit",
        {"infant": infant(7), "episodes": [SLEEP_JERKS]},
    ),
    (
        "shuddering after a normal ictal video-EEG of shuddering",
        "routine_visit",
        {
            "infant": infant(
                240,
                development="age_appropriate",
                skin_signs=[],
                head="normal",
                fontanelle="normal",
            ),
            "episodes": [
                {
                    **CALM,
                    "state": "feeding",
                    "trigger": "feeding",
                    "movement_type": "shuddering",
                    "age_hours": at(239),
                }
            ],
            "results": [
                {
                    "test": "video_eeg",
                    "interpretation": "normal",
                    "age_hours": at(239) + 1,
                    "captured_event_types": ["shuddering"],
                }
            ],
        },
    ),
]


def test_the_set_has_at_least_40_presentations():
    assert len(PRESENTATIONS) >= 40


@pytest.mark.parametrize(
    ("name", "minimum", "leading", "case"), PRESENTATIONS, ids=[row[0] for row in PRESENTATIONS]
)
def test_presentation_gets_at_least_its_minimum_triage(name, minimum, leading, case):
    result = score_2(case)
    assert rank(result["triage"]) >= rank(minimum), (result["triage"], result["triage_rules"])
    if leading is not None:
        assert result["leading_cause"] == leading, [
            (c["cause"], c["score"]) for c in result["differential"][:3]
        ]
    if result["red_flags"]:
        assert rank(result["triage"]) >= rank("same_day")


@pytest.mark.parametrize(("name", "maximum", "case"), BENIGN, ids=[row[0] for row in BENIGN])
def test_benign_presentation_is_not_over_triaged(name, maximum, case):
    result = score_2(case)
    assert rank(result["triage"]) <= rank(maximum), (result["triage"], result["triage_rules"])
