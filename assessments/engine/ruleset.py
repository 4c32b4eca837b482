"""The criteria of CLINICAL_CRITERIA.md as data: causes, triage rules, red flags, tests, questions.

Every entry has an id, the human text shown to clinicians and the source numbers ([n]) of the
criteria file. Conditions (``when``) are written over named facts that ``facts.py`` derives from a
case:

- a string names a fact; ``"!fact"`` is its negation;
- ``{"all": [...]}`` and ``{"any": [...]}`` combine conditions;
- ``any:X`` holds when at least one episode has the episode fact X, ``all:X`` when every episode
  (and at least one) has it, so "sleep-only" means every logged episode was in sleep.

Facts about context (age, feeding) come in two flavours: ``neonate`` means known to be a neonate,
``maybe_neonate`` means a neonate or of unknown age. Escalating rules use the ``maybe_`` form and
reassurance uses the known form, so an unknown answer can never lower triage.

``RULESET_DIGEST`` is the sha256 of the canonical JSON of ``RULESET``: any change to a criterion,
threshold or text changes it, and it is stored with every assessment.
"""

import hashlib
import json
from typing import Any

RULESET_VERSION = "1.0.0"

# Facts derived per episode from other episode facts, evaluated in order.
EPISODE_PATTERNS: list[dict[str, Any]] = [
    {
        "id": "restraint_fails_awake",
        "text": "rhythmic jerking that does not stop, or only partly stops, when held while awake",
        "when": {
            "all": [
                # Jerks that go on after waking are awake jerks.
                {"any": ["maybe_awake", "continues_after_waking"]},
                {
                    "any": [
                        {"all": ["rhythmic", "restraint_fails"]},
                        # Clonic jerks are a seizure feature in their own right: an untried or
                        # unknown restraint test cannot show that they stop.
                        {"all": ["clonic", "!restraint_stops"]},
                    ]
                },
            ]
        },
        "sources": ["2", "3"],
    },
    {"id": "asleep_focal", "when": {"all": ["asleep", "focal"]}},
    {"id": "asleep_restraint_fails", "when": {"all": ["asleep", "restraint_fails"]}},
    {"id": "asleep_clusters", "when": {"all": ["asleep", "clusters"]}},
    {"id": "asleep_provoked", "when": {"all": ["asleep", "sleep_provoking_trigger"]}},
    {"id": "asleep_waking_unknown", "when": {"all": ["asleep", "waking_unknown"]}},
    {"id": "awake_myoclonic", "when": {"all": ["awake", "myoclonic"]}},
    {
        "id": "restraint_question",
        "when": {"all": ["maybe_awake", "restraint_unknown", "rhythmic"]},
    },
    {"id": "spasm_cluster", "when": {"all": ["clusters", {"any": ["spasm", "waking_event"]}]}},
    # A coarse tremor is a red flag for jitteriness (section 2), never the benign pattern.
    {
        "id": "benign_tremor",
        "when": {"all": ["tremor", "!coarse_tremor", "provoked", "restraint_stops"]},
    },
    {
        "id": "single_startle",
        "when": {"all": ["startle", "sudden_stimulus", "!clusters", "!clonic", "!myoclonic"]},
    },
    {
        "id": "typical_sleep_jerks",
        "when": {"all": ["asleep", "stops_on_waking", "!focal"]},
    },
    {
        "id": "benign_episode",
        "when": {"any": ["benign_tremor", "single_startle", "typical_sleep_jerks"]},
    },
]

# Facts derived for the whole case from episode, infant and result facts, evaluated in order.
CASE_PATTERNS: list[dict[str, Any]] = [
    {"id": "jittery", "when": "any:tremor"},
    {"id": "hypoglycemia_risk", "when": {"any": ["maternal_diabetes", "preterm", "sga_or_lga"]}},
    {
        "id": "no_risk_factors",
        "when": {"all": ["no_maternal_diabetes", "term", "!sga_or_lga", "!maternal_drugs"]},
    },
    {
        "id": "hypoglycemia_symptoms",
        "when": {
            "any": [
                "any:assoc:poor_feeding",
                "any:assoc:lethargy",
                "any:assoc:hypotonia",
                "any:assoc:sweating",
                "any:assoc:hypothermia",
            ]
        },
    },
    {"id": "tetany", "when": {"any": ["any:assoc:carpopedal_spasm", "any:assoc:stridor"]}},
    {
        "id": "seizure_signs",
        "when": {
            "any": [
                "any:clonic",
                "any:abnormal_eyes",
                "any:restraint_fails_awake",
                "eeg_epileptiform",
            ]
        },
    },
    {
        "id": "suspected_hyperekplexia",
        "when": {
            "any": [
                "nose_tap_startle",
                {"all": ["any:startle", "any:assoc:generalized_stiffness"]},
                {"all": ["any:startle", "any:tonic"]},
                {"all": ["any:startle", "family:startle_disorder"]},
            ]
        },
    },
    {
        "id": "confirmed_sleep_myoclonus",
        "when": {"all": ["all:typical_sleep_jerks", "eeg_normal", "!eeg_abnormal"]},
    },
    {
        "id": "glucose_needed",
        "when": {
            "any": [
                {"all": ["jittery", "maybe_lt_72h"]},
                "hypoglycemia_symptoms",
                {"all": ["hypoglycemia_risk", "maybe_neonate"]},
            ]
        },
    },
    {
        "id": "calcium_needed",
        "when": {
            "any": [
                {"all": ["jittery", "maybe_days_3_14", "formula_fed"]},
                {"all": ["jittery", "maternal_diabetes"]},
                {"all": ["jittery", "preterm"]},
                {"all": ["jittery", "age_gt_2m"]},
                "tetany",
                "any:assoc:twitching",
                "seizure_signs",
            ]
        },
    },
]

CAUSES = [
    "physiological_jitteriness",
    "startle_moro",
    "benign_neonatal_sleep_myoclonus",
    "hypocalcemia",
    "hypoglycemia",
    "neonatal_or_focal_seizure",
    "infantile_spasms",
    "benign_nonepileptic_infant_paroxysm",
    "pathologic_startle_hyperekplexia",
]


def _criterion(
    cid: str, cause: str, direction: str, weight: int, text: str, sources: list[str], when: object
) -> dict[str, Any]:
    return {
        "id": cid,
        "cause": cause,
        "direction": direction,
        "weight": weight,
        "text": text,
        "sources": sources,
        "when": when,
    }


_PJ, _SM, _BN = "physiological_jitteriness", "startle_moro", "benign_neonatal_sleep_myoclonus"
_HC, _HG, _NS = "hypocalcemia", "hypoglycemia", "neonatal_or_focal_seizure"
_IS, _BP, _HX = (
    "infantile_spasms",
    "benign_nonepileptic_infant_paroxysm",
    "pathologic_startle_hyperekplexia",
)
_APNEA_OR_COLOUR = {"any": ["any:apnea", "any:cyanosis"]}
_SLEEP_ONLY_STOPS_ON_WAKING = {"all": ["all:asleep", "any:stops_on_waking"]}

CRITERIA: list[dict[str, Any]] = [
    # physiological_jitteriness (section 2, row 1)
    _criterion("PJ1", _PJ, "for", 1, "shaking reported: jitteriness is the commonest cause (44%"
               " of healthy term neonates)", ["4"], "has_episodes"),
    _criterion("PJ2", _PJ, "for", 3, "fine rhythmic tremor of equal rate and amplitude",
               ["2", "3", "10"], "any:tremor"),
    _criterion("PJ3", _PJ, "for", 2, "provoked by crying, handling, cold or hunger",
               ["3"], "any:provoked"),
    _criterion("PJ4", _PJ, "for", 3, "stops with gentle holding", ["2", "3"],
               "any:restraint_stops"),
    _criterion("PJ5", _PJ, "for", 1, "symmetric", ["3"], {"all": ["any:symmetric", "!any:focal"]}),
    _criterion("PJ6", _PJ, "for", 1, "eyes normal, no breathing or colour change, alert",
               ["2", "3"], {"all": ["all:eyes_normal", "all:autonomic_none", "all:alert"]}),
    _criterion("PJ7", _PJ, "for", 1, "fast tremor (6 Hz or more)", ["8"], "any:rate_fast"),
    _criterion("PJA1", _PJ, "against", 3, "continues when the limb is held while awake",
               ["2", "3"], "any:restraint_fails_awake"),
    _criterion("PJA2", _PJ, "against", 2, "fast and slow (clonic) phases", ["2", "9"],
               "any:clonic"),
    _criterion("PJA3", _PJ, "against", 2, "abnormal eye signs", ["2"], "any:abnormal_eyes"),
    _criterion("PJA4", _PJ, "against", 2, "apnea", ["2"], "any:apnea"),
    _criterion("PJA5", _PJ, "against", 2, "one-sided", ["2"], "any:focal"),
    _criterion("PJA6", _PJ, "against", 3, "only in sleep and stops on waking (sleep myoclonus)",
               ["11", "13"], _SLEEP_ONLY_STOPS_ON_WAKING),
    _criterion("PJA7", _PJ, "against", 3, "clusters on waking (spasms)", ["31"],
               "any:spasm_cluster"),
    # Section 2 lists these as red flags for jitteriness: they mean the tremor may have a cause.
    _criterion("PJA8", _PJ, "against", 4, "low glucose, calcium or magnesium (a metabolic cause)",
               ["19", "22", "29"],
               {"any": ["glucose_critical", "glucose_below_goal", "calcium_low", "magnesium_low"]}),
    _criterion("PJA9", _PJ, "against", 2, "poor feeding, lethargy or low temperature",
               ["3", "8"],
               {"any": ["any:assoc:poor_feeding", "any:assoc:lethargy", "any:assoc:hypothermia"]}),
    # startle_moro (row 2)
    _criterion("SM1", _SM, "for", 3, "single brief startle", ["1", "17"],
               {"any": ["any:startle", "any:single"]}),
    _criterion("SM2", _SM, "for", 3, "right after a sudden noise, position change or loss of"
               " support", ["1", "17"], "any:sudden_stimulus"),
    _criterion("SM3", _SM, "for", 1, "symmetric", ["17"], "any:symmetric"),
    _criterion("SM4", _SM, "for", 1, "cries then settles", ["1"], "any:cries_then_settles"),
    _criterion("SM5", _SM, "for", 1, "not clustered", ["1"], "all:no_clusters"),
    _criterion("SMA1", _SM, "against", 2, "no stimulus", ["17"], "any:unprovoked"),
    _criterion("SMA2", _SM, "against", 3, "clusters (especially on waking: spasms)", ["31"],
               "any:clusters"),
    _criterion("SMA3", _SM, "against", 2, "repetitive rhythmic jerks", ["2"],
               {"any": ["any:clonic", "any:myoclonic", "any:tremor"]}),
    _criterion("SMA4", _SM, "against", 2, "sustained stiffness", ["18"], "any:tonic"),
    _criterion("SMA5", _SM, "against", 3, "exaggerated startle with stiffness or a nose-tap"
               " response (hyperekplexia)", ["18"], "suspected_hyperekplexia"),
    # benign_neonatal_sleep_myoclonus (row 3)
    _criterion("BN1", _BN, "for", 3, "only in sleep", ["11", "12", "13"], "all:asleep"),
    _criterion("BN2", _BN, "for", 2, "repetitive myoclonic jerks", ["13", "15"],
               "any:myoclonic"),
    _criterion("BN3", _BN, "for", 3, "stops on waking", ["11", "13"], "any:stops_on_waking"),
    _criterion("BN4", _BN, "for", 2, "not stopped by holding during sleep (typical of sleep"
               " myoclonus)", ["14", "16"], "any:asleep_restraint_fails"),
    _criterion("BN5", _BN, "for", 1, "jerks at 1-5 Hz", ["15"], "any:rate_1_5"),
    _criterion("BN6", _BN, "for", 1, "provoked by rocking or noise in sleep", ["16"],
               "any:asleep_provoked"),
    _criterion("BN7", _BN, "for", 1, "clusters in sleep", ["13", "15"], "any:asleep_clusters"),
    _criterion("BN8", _BN, "for", 1, "neonatal age (onset day 1 to 3 weeks)", ["11", "12"],
               {"all": ["neonate", "any:asleep"]}),
    _criterion("BNA1", _BN, "against", 3, "happens awake", ["11", "13"], "any:awake"),
    _criterion("BNA2", _BN, "against", 3, "continues after waking", ["11", "13"],
               "any:continues_after_waking"),
    _criterion("BNA3", _BN, "against", 2, "eye deviation or apnea", ["11"],
               {"any": ["any:abnormal_eyes", "any:apnea"]}),
    _criterion("BNA4", _BN, "against", 2, "abnormal examination", ["11"], "neuro_abnormal"),
    _criterion("BNA5", _BN, "against", 3, "abnormal EEG", ["11"], "eeg_abnormal"),
    # hypocalcemia (row 4)
    _criterion("HC1", _HC, "for", 1, "jitteriness or twitching", ["22", "24"],
               {"any": ["any:tremor", "any:assoc:twitching"]}),
    _criterion("HC2", _HC, "for", 3, "tetany or carpopedal spasm", ["22", "24"],
               "any:assoc:carpopedal_spasm"),
    _criterion("HC3", _HC, "for", 3, "stridor (laryngospasm)", ["22", "24"],
               "any:assoc:stridor"),
    _criterion("HC4", _HC, "for", 1, "apnea", ["22"], "any:apnea"),
    _criterion("HC5", _HC, "for", 1, "seizure-type signs", ["2", "24"], "seizure_signs"),
    _criterion("HC6", _HC, "for", 2, "formula feeding on days 3-14 (late hypocalcemia)",
               ["24", "26", "27"], {"all": ["formula_fed", "days_3_14"]}),
    _criterion("HC7", _HC, "for", 1, "maternal diabetes", ["22", "24"], "maternal_diabetes"),
    _criterion("HC8", _HC, "for", 1, "preterm or very low birth weight", ["22", "24"],
               {"any": ["preterm", "vlbw"]}),
    _criterion("HC9", _HC, "for", 4, "low total or ionized calcium", ["22", "23", "24", "25"],
               "calcium_low"),
    _criterion("HC10", _HC, "for", 2, "low magnesium", ["29"], "magnesium_low"),
    _criterion("HC11", _HC, "for", 1, "high phosphate", ["50"], "phosphate_high"),
    _criterion("HC12", _HC, "for", 1, "low 25-hydroxyvitamin D", ["30"], "vitamin_d_low"),
    _criterion("HC13", _HC, "for", 1, "fed an unfortified milk alternative", ["1"],
               "unfortified_milk"),
    _criterion("HCA1", _HC, "against", 4, "normal total and ionized calcium", ["22", "24"],
               "calcium_all_normal"),
    # hypoglycemia (row 5)
    _criterion("HG1", _HG, "for", 1, "jitteriness or tremor", ["20", "21"], "any:tremor"),
    _criterion("HG2", _HG, "for", 2, "poor feeding, lethargy, floppiness, sweating or low"
               " temperature", ["20", "21"], "hypoglycemia_symptoms"),
    _criterion("HG3", _HG, "for", 1, "apnea or colour change", ["20", "21"], _APNEA_OR_COLOUR),
    _criterion("HG4", _HG, "for", 2, "risk factor: maternal diabetes, preterm, small or large"
               " for gestational age", ["19", "20"], "hypoglycemia_risk"),
    _criterion("HG5", _HG, "for", 1, "transitional period (first 48 hours)", ["19", "20"],
               {"all": ["age_lt_48h", "has_episodes"]}),
    _criterion("HG6", _HG, "for", 4, "glucose below the age-specific goal", ["19", "20"],
               {"any": ["glucose_below_goal", "glucose_critical"]}),
    _criterion("HG7", _HG, "for", 1, "seizure-type signs", ["20"], "seizure_signs"),
    _criterion("HGA1", _HG, "against", 4, "normal glucose", ["19", "20"], "glucose_all_normal"),
    # neonatal_or_focal_seizure (row 6)
    _criterion("NS1", _NS, "for", 3, "rhythmic clonic jerks with a fast and a slow phase",
               ["9"], "any:clonic"),
    _criterion("NS2", _NS, "for", 1, "slow jerks (1-3 per second)", ["9"], "any:rate_1_3"),
    _criterion("NS3", _NS, "for", 2, "focal or one-sided", ["2", "9"], "any:focal"),
    _criterion("NS4", _NS, "for", 1, "not provoked by a stimulus", ["2"], "any:unprovoked"),
    _criterion("NS5", _NS, "for", 3, "not stopped by holding while awake", ["2", "3"],
               "any:restraint_fails_awake"),
    _criterion("NS6", _NS, "for", 3, "eye deviation, staring or nystagmoid jerks",
               ["2", "9"], "any:abnormal_eyes"),
    _criterion("NS7", _NS, "for", 2, "apnea or colour change", ["2", "9"], _APNEA_OR_COLOUR),
    _criterion("NS8", _NS, "for", 2, "heart-rate change or drooling", ["2", "9"],
               {"any": ["any:heart_rate_change", "any:drooling"]}),
    _criterion("NS9", _NS, "for", 2, "altered responsiveness or drowsy afterwards", ["2", "9"],
               {"any": ["any:altered", "any:sleepy_after"]}),
    _criterion("NS10", _NS, "for", 1, "neonatal period (highest seizure risk)", ["2"],
               {"all": ["neonate", "has_episodes"]}),
    _criterion("NS11", _NS, "for", 2, "abnormal neurological examination", ["2"],
               "neuro_abnormal"),
    _criterion("NS12", _NS, "for", 3, "epileptiform EEG", ["37"], "eeg_epileptiform"),
    _criterion("NS13", _NS, "for", 2, "abnormal brain MRI", ["47"], "mri_abnormal"),
    _criterion("NS14", _NS, "for", 1, "family history of neonatal seizures or epilepsy",
               ["40"], {"any": ["family:neonatal_seizures", "family:epilepsy"]}),
    _criterion("NSA1", _NS, "against", 3, "stops with gentle holding", ["2", "3"],
               {"all": ["any:restraint_stops", "!any:restraint_fails_awake"]}),
    _criterion("NSA2", _NS, "against", 1, "locked to a stimulus", ["2"],
               {"any": ["any:provoked", "any:sudden_stimulus"]}),
    _criterion("NSA3", _NS, "against", 3, "only in sleep and stops on waking", ["11", "13"],
               _SLEEP_ONLY_STOPS_ON_WAKING),
    _criterion("NSA4", _NS, "against", 3, "normal video-EEG during a typical event", ["37"],
               "eeg_normal_typical"),
    # infantile_spasms (row 7)
    _criterion("IS1", _IS, "for", 3, "clusters of spasms, or clusters on waking", ["31", "32"],
               "any:spasm_cluster"),
    _criterion("IS2", _IS, "for", 2, "brief spasm-like flexion or extension", ["31", "34"],
               "any:spasm"),
    _criterion("IS3", _IS, "for", 1, "on waking or after naps", ["31", "34"],
               "any:waking_event"),
    _criterion("IS4", _IS, "for", 3, "developmental regression", ["31", "32"], "regression"),
    _criterion("IS5", _IS, "for", 2, "developmental plateau", ["31"], "plateau"),
    _criterion("IS6", _IS, "for", 1, "typical age (1-24 months)", ["31", "34"],
               {"all": ["age_1_24m", {"any": ["any:spasm", "any:clusters"]}]}),
    _criterion("IS7", _IS, "for", 3, "hypsarrhythmia on EEG", ["31"], "eeg_hypsarrhythmia"),
    _criterion("ISA1", _IS, "against", 3, "normal video-EEG during a typical event", ["31"],
               "eeg_normal_typical"),
    _criterion("ISA2", _IS, "against", 2, "only in sleep", ["31"], "all:asleep"),
    _criterion("ISA3", _IS, "against", 2, "a single startle triggered by a stimulus", ["31"],
               "all:single_startle"),
    # benign_nonepileptic_infant_paroxysm (row 8)
    _criterion("BP1", _BP, "for", 2, "awake only", ["15", "35", "36"], "all:awake"),
    _criterion("BP2", _BP, "for", 2, "brief shivering or spasm-like bursts", ["35", "36"],
               {"any": ["any:shuddering", "any:spasm"]}),
    _criterion("BP3", _BP, "for", 1, "at meals or when excited", ["36"],
               "any:meal_or_excitement"),
    _criterion("BP4", _BP, "for", 1, "awareness preserved", ["35", "36"], "all:alert"),
    _criterion("BP5", _BP, "for", 1, "normal development", ["35"], "development_age_appropriate"),
    _criterion("BP6", _BP, "for", 3, "normal EEG", ["15", "35", "36"],
               {"all": ["eeg_normal", "!eeg_abnormal"]}),
    _criterion("BP7", _BP, "for", 1, "typical age (1-12 months)", ["15", "35"],
               {"all": ["age_1_12m", "!all:asleep"]}),
    _criterion("BPA1", _BP, "against", 3, "developmental regression", ["35"], "regression"),
    _criterion("BPA2", _BP, "against", 3, "abnormal EEG", ["35", "36"], "eeg_abnormal"),
    _criterion("BPA3", _BP, "against", 2, "only in sleep", ["35"], "all:asleep"),
    _criterion("BPA4", _BP, "against", 2, "neonatal age (benign myoclonus of early infancy begins"
               " at 1-12 months)", ["15", "35"], "neonate"),
    # pathologic_startle_hyperekplexia (section 0.2, row 2 red flags)
    _criterion("HX1", _HX, "for", 3, "head-retraction response to nose tapping", ["18"],
               "nose_tap_startle"),
    _criterion("HX2", _HX, "for", 2, "startle with generalized stiffness", ["18"],
               {"all": ["any:startle", {"any": ["any:assoc:generalized_stiffness",
                                                "any:tonic"]}]}),
    _criterion("HX3", _HX, "for", 2, "startle with apnea or colour change", ["18"],
               {"all": ["any:startle", _APNEA_OR_COLOUR]}),
    _criterion("HX4", _HX, "for", 2, "family history of a startle disorder", ["18"],
               "family:startle_disorder"),
    _criterion("HX5", _HX, "for", 1, "stimulus-sensitive", ["18"], "any:stimulus_sensitive"),
    _criterion("HXA1", _HX, "against", 1, "normal neurological examination", ["18"],
               "neuro_normal"),
    _criterion("HXA2", _HX, "against", 2, "epileptiform EEG (EEG is normal in hyperekplexia)",
               ["18"], "eeg_epileptiform"),
]  # fmt: skip

# Section 3. Levels: 3 emergency, 2 same_day, 1 routine_visit, 0 reassure_monitor.
TRIAGE_RULES: list[dict[str, Any]] = [
    {
        "id": "E1",
        "level": "emergency",
        "text": "rhythmic jerking that does not stop (or only partly stops) under gentle restraint"
        " while awake",
        "sources": ["2", "3"],
        "when": "any:restraint_fails_awake",
    },
    {
        "id": "E2",
        "level": "emergency",
        "text": "eye deviation, staring or nystagmoid jerks, apnea, cyanosis or colour change"
        " during the event",
        "sources": ["2", "9"],
        "when": {"any": ["any:abnormal_eyes", "any:apnea", "any:cyanosis"]},
    },
    {
        "id": "E3",
        "level": "emergency",
        "text": "altered responsiveness in a neonate, or drowsiness after the event (engine"
        " policy)",
        "sources": [],
        "when": {"any": [{"all": ["any:altered", "maybe_neonate"]}, "any:sleepy_after"]},
    },
    {
        "id": "E4",
        "level": "emergency",
        "text": "symptoms, including jitteriness, with glucose <40 mg/dL (<2.2 mmol/L); beyond"
        " 24 h this is engine policy",
        "sources": ["19", "1"],
        "when": {"all": ["glucose_critical", "has_episodes"]},
    },
    {
        "id": "E5",
        "level": "emergency",
        "text": "low calcium or magnesium with seizure, tetany, apnea or laryngospasm",
        "sources": ["24"],
        "when": {
            "all": [
                {"any": ["calcium_low", "magnesium_low"]},
                {"any": ["seizure_signs", "tetany", "any:apnea"]},
            ]
        },
    },
    {
        "id": "E6",
        "level": "emergency",
        "text": "a neonate with shaking plus fever, hypothermia, lethargy or poor feeding",
        "sources": ["2"],
        "when": {
            "all": [
                "maybe_neonate",
                "has_episodes",
                {
                    "any": [
                        "any:assoc:fever",
                        "any:assoc:hypothermia",
                        "any:assoc:lethargy",
                        "any:assoc:poor_feeding",
                    ]
                },
            ]
        },
    },
    {
        "id": "E7",
        "level": "emergency",
        "text": "suspected hyperekplexia with apnea",
        "sources": ["18"],
        "when": {"all": ["suspected_hyperekplexia", _APNEA_OR_COLOUR]},
    },
    {
        "id": "S1",
        "level": "same_day",
        "text": "spasm-like clusters at 1-24 months, whatever the development",
        "sources": ["31", "32"],
        "when": {"all": ["any:spasm_cluster", "maybe_1_24m"]},
    },
    {
        "id": "S2",
        "level": "same_day",
        "text": "jitteriness at age <72 h without a glucose result, or with a hypoglycemia risk"
        " factor or poor feeding",
        "sources": ["19", "20", "21"],
        "when": {
            "all": [
                "jittery",
                "maybe_lt_72h",
                {"any": ["!glucose_measured", "hypoglycemia_risk", "any:assoc:poor_feeding"]},
            ]
        },
    },
    {
        "id": "S3",
        "level": "same_day",
        "text": "jitteriness on days 3-14 in a formula-fed infant that is increasing or comes"
        " with irritability (late hypocalcemia)",
        "sources": ["24", "26", "27"],
        "when": {
            "all": [
                "jittery",
                "maybe_days_3_14",
                "formula_fed",
                {"any": ["increasing", "any:assoc:irritability", "any:irritable_after"]},
            ]
        },
    },
    {
        "id": "S4",
        "level": "same_day",
        "text": "one-sided sleep jerks in a neonate",
        "sources": ["13"],
        "when": {"all": ["any:asleep_focal", "maybe_neonate"]},
    },
    {
        "id": "S5",
        "level": "same_day",
        "text": "glucose below the age-specific goal, or low calcium or magnesium",
        "sources": ["19", "20", "24"],
        "when": {"any": ["glucose_below_goal", "glucose_critical", "calcium_low", "magnesium_low"]},
    },
    {
        "id": "P1",
        "level": "same_day",
        "text": "engine policy: an epileptiform or hypsarrhythmic EEG needs a clinician today"
        " (section 2 default triage: seizures emergency, spasms same_day minimum)",
        "sources": ["31", "37"],
        "when": {"any": ["eeg_epileptiform", "eeg_hypsarrhythmia"]},
    },
    {
        "id": "R1",
        "level": "routine_visit",
        "text": "benign-pattern jitteriness beyond about 2 months",
        "sources": ["5", "6", "7"],
        "when": {"all": ["jittery", "age_gt_2m"]},
    },
    {
        "id": "R2",
        "level": "routine_visit",
        "text": "first report of suspected sleep myoclonus (clinician confirms from video)",
        "sources": ["11", "13"],
        "when": {"all": ["any:asleep", "!confirmed_sleep_myoclonus"]},
    },
    {
        "id": "R3",
        "level": "routine_visit",
        "text": "Moro reflex beyond 6 months or asymmetric",
        "sources": ["17"],
        "when": {"all": ["any:startle", {"any": ["age_gt_6m", "any:focal"]}]},
    },
    {
        "id": "R4",
        "level": "routine_visit",
        "text": "shuddering or benign-myoclonus-type events after a normal EEG",
        "sources": ["35", "36"],
        "when": {
            "all": [
                {"any": ["any:shuddering", "any:spasm", "any:awake_myoclonic"]},
                "eeg_normal",
            ]
        },
    },
    {
        "id": "R5",
        "level": "routine_visit",
        "text": "developmental concern without regression",
        "sources": ["31"],
        "when": {"any": ["development_delayed", "plateau"]},
    },
]

OVERRIDE: dict[str, Any] = {
    "id": "OVR1",
    "text": "a video-EEG that captured the typical event was normal: E1, E2 and S1 no longer"
    " apply to that event type",
    "sources": ["31", "37"],
    "when": {"all": ["eeg_normal_typical", "!eeg_abnormal"]},
    "suppresses": ["E1", "E2", "S1"],
}

# Reassure and monitor: every condition must hold (section 3).
REASSURE: dict[str, Any] = {
    "id": "M1",
    "level": "reassure_monitor",
    "text": "benign pattern with normal eyes, breathing and colour, alert, feeding well, age in"
    " the window, no risk factors or normal glucose, normal development",
    "sources": ["1", "3", "17"],
    "when": {
        "all": [
            "all:benign_episode",
            {"any": ["!any:asleep", "confirmed_sleep_myoclonus"]},
            "all:eyes_normal",
            "all:autonomic_none",
            "all:alert",
            "all:associated_none",
            "!any:sleepy_after",
            "age_known",
            {"any": ["!any:tremor", "age_le_2m"]},
            {"any": ["!any:startle", "age_le_6m"]},
            {"any": ["no_risk_factors", "glucose_all_normal"]},
            "!maternal_drugs",
            # A test the criteria call for and not yet done is missing information.
            {"any": ["!glucose_needed", "glucose_all_normal"]},
            {"any": ["!calcium_needed", "calcium_all_normal"]},
            "development_normal",
            "!neuro_abnormal",
            "!nose_tap_startle",
            "!eeg_abnormal",
            "!mri_abnormal",
        ]
    },
}

# When no rule of any level fires and reassurance does not hold (often because answers are
# missing), the case still needs a clinician: routine_visit.
DEFAULT_RULE: dict[str, Any] = {
    "id": "R0",
    "level": "routine_visit",
    "text": "not every reassure-and-monitor condition is known to hold",
    "sources": [],
}

RED_FLAGS = [
    ("RF1", "one-sided jerks in a neonate", ["13", "2"],
     {"all": ["any:focal", "maybe_neonate"]}),
    ("RF2", "abnormal eye signs during an episode", ["2", "9"], "any:abnormal_eyes"),
    ("RF3", "apnea or colour change during an episode", ["2", "9"], _APNEA_OR_COLOUR),
    ("RF4", "heart-rate change or drooling during an episode", ["2"],
     {"any": ["any:heart_rate_change", "any:drooling"]}),
    ("RF5", "altered responsiveness during an episode", ["2"], "any:altered"),
    ("RF6", "sleepy or floppy after an episode", ["2"], "any:sleepy_after"),
    ("RF7", "shaking not stopped by gentle holding while awake", ["2", "3"],
     "any:restraint_fails_awake"),
    ("RF8", "coarse, high-amplitude tremor", ["8"], "any:coarse_tremor"),
    ("RF9", "poor feeding, lethargy or low temperature", ["3", "8"],
     {"any": ["any:assoc:poor_feeding", "any:assoc:lethargy", "any:assoc:hypothermia"]}),
    ("RF10", "fever", ["2"], "any:assoc:fever"),
    ("RF11", "abnormal neurological examination", ["3", "8"], "neuro_abnormal"),
    ("RF12", "developmental regression", ["31"], "regression"),
    ("RF13", "clusters of spasm-like movements", ["31", "32"], "any:spasm_cluster"),
    ("RF14", "startle reflex persisting beyond 6 months", ["17"],
     {"all": ["any:startle", "age_gt_6m"]}),
    ("RF15", "risk factor for low blood sugar (maternal diabetes, preterm, small or large for"
     " gestational age)", ["19", "20"], "hypoglycemia_risk"),
    ("RF16", "drug exposure in pregnancy", ["3", "8"], "maternal_drugs"),
    ("RF17", "tetany or stridor", ["22", "24"], "tetany"),
    ("RF18", "glucose below 40 mg/dL (2.2 mmol/L)", ["19"], "glucose_critical"),
    ("RF19", "glucose below the age-specific goal", ["20"], "glucose_below_goal"),
    ("RF20", "low glucose persisting beyond 48 hours", ["20"], "glucose_low_after_48h"),
    ("RF21", "low calcium or magnesium", ["24", "29"],
     {"any": ["calcium_low", "magnesium_low"]}),
    ("RF22", "abnormal EEG", ["31", "37"], "eeg_abnormal"),
    ("RF23", "exaggerated startle with stiffness (possible hyperekplexia)", ["18"],
     "suspected_hyperekplexia"),
]  # fmt: skip

_SEIZURE_OR_SPASMS = {"any": ["seizure_signs", "any:spasm_cluster", "any:spasm", "regression"]}

# (test code, when, repeat even if a result exists)
RECOMMENDED_TESTS: list[tuple[str, Any, bool]] = [
    ("glucose", {"any": ["glucose_needed", "seizure_signs"]}, False),
    ("glucose", {"any": ["glucose_below_goal", "glucose_critical"]}, True),
    ("total_calcium", {"any": ["calcium_needed", "seizure_signs"]}, False),
    ("ionized_calcium", {"any": ["calcium_needed", "seizure_signs"]}, False),
    ("magnesium", {"any": ["calcium_needed", "seizure_signs", "calcium_low"]}, False),
    ("phosphate", {"any": ["calcium_low", "magnesium_low"]}, False),
    ("pth", {"any": ["calcium_low", "magnesium_low"]}, False),
    ("vitamin_d_25oh", {"any": ["calcium_low", "magnesium_low"]}, False),
    ("alkaline_phosphatase", {"any": ["calcium_low", "magnesium_low"]}, False),
    ("critical_sample", "glucose_low_after_48h", False),
    ("eeg", {"any": ["any:asleep_focal", "suspected_hyperekplexia"]}, False),
    ("video_eeg", _SEIZURE_OR_SPASMS, False),
    ("video_eeg", {"all": [{"any": ["any:shuddering", "any:awake_myoclonic"]}, "!eeg_normal"]},
     False),
    ("mri_brain", {"any": [_SEIZURE_OR_SPASMS, "neuro_abnormal"]}, False),
]  # fmt: skip

MISSING_INFORMATION: list[tuple[str, Any, str]] = [
    ("Q1", "!has_episodes",
     "Describe at least one episode: what the legs did, what the baby was doing, and what"
     " happened just before."),
    ("Q2", "age_unknown", "How old is the baby (date of birth, or age in days)?"),
    ("Q3", "any:state_unknown",
     "Was the baby awake, feeding, falling asleep or asleep when the shaking happened?"),
    ("Q4", "any:restraint_question",
     "Hold the leg gently during the next episode: does the shaking stop?"),
    ("Q5", "any:asleep_waking_unknown",
     "Was the baby woken during an episode? Did the movements stop?"),
    ("Q6", {"all": ["has_episodes", "!any:video"]},
     "Record a video of the next episode, from the start, with the whole body and face in view."),
    ("Q7", "any:movement_unknown",
     "What did the movement look like: fine trembling, big rhythmic jerks, stiffening, a startle,"
     " or a sudden bending of the body?"),
    ("Q8", "any:trigger_unknown",
     "What happened just before: a noise, handling, hunger, cold, waking, or nothing at all?"),
    ("Q9", "any:side_unknown", "Were both sides shaking the same, or only one arm or leg?"),
    ("Q10", "any:eyes_unknown",
     "What were the eyes doing during the episode: normal, staring, turned to one side or"
     " rolling up?"),
    ("Q11", "any:autonomic_unknown",
     "During the episode, did the baby stop breathing, change colour (blue, grey or pale) or"
     " drool?"),
    ("Q12", "any:consciousness_unknown",
     "Did the baby respond to you normally during the episode?"),
    ("Q13", "any:after_unknown",
     "How was the baby just after the episode: back to normal, crying then settling, unusually"
     " sleepy or floppy?"),
    ("Q14", "any:associated_unknown",
     "Is the baby feeding well? Any fever, unusual sleepiness, floppiness or stiffness?"),
    ("Q15", "any:clusters_unknown",
     "Did the movements come in a series, one after another (for example just after waking)?"),
    ("Q16", {"all": ["glucose_needed", "!glucose_measured"]},
     "Clinician: measure blood glucose now (bedside, then a laboratory plasma glucose)."),
    ("Q17", {"all": ["calcium_needed", "!calcium_measured"]},
     "Clinician: measure total and ionized calcium and magnesium."),
    ("Q18", "maternal_diabetes_unknown",
     "Did the mother have diabetes in pregnancy (including gestational diabetes)?"),
    ("Q19", "gestation_unknown", "At how many weeks of pregnancy was the baby born?"),
    ("Q20", "birth_weight_unknown", "What did the baby weigh at birth?"),
    ("Q21", "feeding_unknown",
     "How is the baby fed: breast milk, formula, both, with solids, or another kind of milk?"),
    ("Q22", "development_unknown",
     "Is the baby's development on track (smiling, looking at faces, new skills)? Any skills"
     " lost?"),
    ("Q23", "neuro_unknown",
     "Clinician: examine the baby's muscle tone, reflexes and both sides of the body."),
]  # fmt: skip

_WARNING_SIGNS = (
    "the shaking does not stop when you gently hold the leg while the baby is awake; the eyes"
    " stare, turn to one side or roll up; the baby stops breathing or turns blue, grey or pale;"
    " the baby is unusually sleepy or floppy afterwards, feeds poorly, has a fever or feels cold;"
    " the movements come in a series, especially on waking; the baby loses skills such as"
    " smiling; one side of the body shakes more than the other"
)

CAREGIVER_ADVICE = {
    "emergency": "Call emergency services or go to the nearest emergency department now. If you"
    " can do so safely, record a short video of the episode, but do not delay getting help.",
    "same_day": "See a doctor today: contact your pediatrician or urgent care now and say the"
    " baby has shaking episodes. Bring your log and any videos. If a warning sign appears before"
    " then, call emergency services.",
    "routine_visit": "Book a visit with your pediatrician. Until then, keep logging each episode"
    " (what happened before, how long it lasted, how the baby was afterwards) and record videos"
    " of the next episodes. Seek care sooner if any of these appears: " + _WARNING_SIGNS + ".",
    "reassure_monitor": "What you describe fits the normal shaking of a young baby's developing"
    " nervous system: it is common, harmless and fades as the baby grows. Keep the log and a"
    " video of a typical episode for the next check-up. Get the baby checked again, the same"
    " day, if any of these appears: " + _WARNING_SIGNS + ".",
}

# Section 4. Each threshold keeps the figure the source gives in each unit, and a value is compared
# in the unit it was reported in, so "<2.2 mmol/L" is not replaced by a converted mg/dL figure.
MG_DL = "mg/dL"
MMOL_L = "mmol/L"
LABS: dict[str, dict[str, Any]] = {
    "glucose": {
        "canonical_unit": MG_DL,
        "per_canonical": {MG_DL: 1.0, MMOL_L: 1 / 18.0},
        "thresholds": [
            {
                "id": "GLU-CRIT",
                "flag": "critical",
                "comparison": "<",
                "values": {MG_DL: 40, MMOL_L: 2.2},
                "rule": "symptomatic infant: IV glucose (AAP 2011); beyond 24 h engine policy E4",
                "sources": ["19", "1"],
            },
            {
                "id": "GLU-PES-48H",
                "flag": "low",
                "comparison": "<=",
                "values": {MG_DL: 50, MMOL_L: 2.8},
                "hours": [0, 48],
                "rule": "below the PES goal (>50 mg/dL) for the first 48 h",
                "sources": ["20"],
            },
            {
                "id": "GLU-PES-AFTER-48H",
                "flag": "low",
                "comparison": "<=",
                "values": {MG_DL: 60, MMOL_L: 3.3},
                "hours": [48, None],
                "rule": "below the PES goal (>60 mg/dL) after 48 h",
                "sources": ["20"],
            },
        ],
        "reference": [
            {
                "id": "GLU-AAP-0-4H",
                "hours": [0, 4],
                "values": {MG_DL: 25, MMOL_L: 1.4},
                "rule": "at-risk, no symptoms, 0-4 h: <25 mg/dL feed and recheck; IV if still"
                " low; treat or refeed if <40",
                "sources": ["19", "19b"],
            },
            {
                "id": "GLU-AAP-4-24H",
                "hours": [4, 24],
                "values": {MG_DL: 35, MMOL_L: 1.9},
                "rule": "at-risk, no symptoms, 4-24 h: <35 mg/dL feed and recheck; intervene if"
                " <45; pre-feed target >=45 mg/dL (2.5 mmol/L)",
                "sources": ["19", "19b"],
            },
            {
                "id": "GLU-AAP-TARGET-4-24H",
                "hours": [4, 24],
                "values": {MG_DL: 45, MMOL_L: 2.5},
                "rule": "AAP pre-feed target >=45 mg/dL at 4-24 h",
                "sources": ["19", "19b"],
            },
            {
                "id": "GLU-PES-CONGENITAL",
                "hours": [None, None],
                "values": {MG_DL: 70, MMOL_L: 3.9},
                "rule": "goal >70 mg/dL if a congenital hypoglycemia disorder is suspected"
                " (secondary source only)",
                "sources": ["19b"],
            },
        ],
    },
    "total_calcium": {
        "canonical_unit": MG_DL,
        "per_canonical": {MG_DL: 1.0, MMOL_L: 1 / 4.0},
        "thresholds": [
            {
                "id": "TCA-TERM",
                "flag": "low",
                "comparison": "<",
                "values": {MG_DL: 8.0, MMOL_L: 2.0},
                "population": "term",
                "rule": "hypocalcemia, term infant: total calcium <8.0 mg/dL",
                "sources": ["22", "23", "24"],
            },
            {
                "id": "TCA-PRETERM",
                "flag": "low",
                "comparison": "<",
                "values": {MG_DL: 7.0, MMOL_L: 1.75},
                "population": "preterm_or_vlbw",
                "rule": "hypocalcemia, preterm or very low birth weight: total calcium <7.0 mg/dL",
                "sources": ["22", "23", "24"],
            },
        ],
        "reference": [],
    },
    "ionized_calcium": {
        "canonical_unit": MG_DL,
        "per_canonical": {MG_DL: 1.0, MMOL_L: 1 / 4.0},
        "thresholds": [
            {
                "id": "ICA-TERM",
                "flag": "low",
                "comparison": "<",
                "values": {MG_DL: 4.4, MMOL_L: 1.10},
                "population": "birth_weight_1500_or_more",
                "rule": "hypocalcemia, term or birth weight 1500 g or more: ionized calcium"
                " <4.4 mg/dL",
                "sources": ["24", "25"],
            },
            {
                "id": "ICA-VLBW",
                "flag": "low",
                "comparison": "<",
                "values": {MG_DL: 4.0, MMOL_L: 1.0},
                "population": "birth_weight_under_1500",
                "rule": "hypocalcemia, birth weight <1500 g: ionized calcium <4.0 mg/dL [24]"
                " (Pillai [25] uses <3.6 mg/dL)",
                "sources": ["24", "25"],
            },
        ],
        "reference": [
            {
                "id": "ICA-TYPICAL-72H",
                "hours": [0, 72],
                "values": {MG_DL: 4.88, MMOL_L: 1.22},
                "rule": "typical ionized calcium in term infants in the first 72 h:"
                " 4.88-4.96 mg/dL",
                "sources": ["23"],
            },
        ],
    },
    "magnesium": {
        "canonical_unit": MG_DL,
        "per_canonical": {MG_DL: 1.0, MMOL_L: 1 / 2.43},
        "thresholds": [
            {
                "id": "MG-LOW",
                "flag": "low",
                "comparison": "<",
                "values": {MG_DL: 1.6, MMOL_L: 0.66},
                "rule": "hypomagnesemia: <1.6 mg/dL; signs usually below 1.2 mg/dL (0.5 mmol/L)",
                "sources": ["29"],
            },
        ],
        "reference": [
            {
                "id": "MG-SIGNS",
                "hours": [None, None],
                "values": {MG_DL: 1.2, MMOL_L: 0.5},
                "rule": "signs of hypomagnesemia usually appear below 1.2 mg/dL",
                "sources": ["29"],
            },
        ],
    },
    "phosphate": {
        "canonical_unit": MG_DL,
        "per_canonical": {MG_DL: 1.0, MMOL_L: 1 / 3.1},
        "thresholds": [
            {
                "id": "PHOS-HIGH",
                "flag": "high",
                "comparison": ">",
                "values": {MG_DL: 8.0, MMOL_L: 2.6},
                "rule": "high phosphate (one centre's definition in late hypocalcemia):"
                " >8 mg/dL; the criteria give no lower limit",
                "sources": ["50"],
            },
        ],
        "reference": [],
    },
    "vitamin_d_25oh": {
        "canonical_unit": "ng/mL",
        "per_canonical": {"ng/mL": 1.0, "nmol/L": 2.5},
        "thresholds": [
            {
                "id": "VITD-DEFICIENT",
                "flag": "low",
                "category": "deficiency",
                "comparison": "<",
                "values": {"ng/mL": 12, "nmol/L": 30},
                "rule": "vitamin D deficiency: <12 ng/mL (Global Consensus 2016; AAP 2014 uses"
                " <20 ng/mL)",
                "sources": ["30"],
            },
            {
                "id": "VITD-INSUFFICIENT",
                "flag": "low",
                "category": "insufficiency",
                "comparison": "<",
                "values": {"ng/mL": 20, "nmol/L": 50},
                "rule": "vitamin D insufficiency: 12-19 ng/mL; sufficient from 20 ng/mL",
                "sources": ["30"],
            },
        ],
        "reference": [],
    },
    "pth": {
        "canonical_unit": "pg/mL",
        "per_canonical": {"pg/mL": 1.0},
        "thresholds": [],
        "not_interpreted": "PTH is judged against the calcium level (low or inappropriately"
        " normal); the criteria give no numeric threshold",
        "sources": ["26", "50"],
        "reference": [],
    },
    "alkaline_phosphatase": {
        "canonical_unit": "U/L",
        "per_canonical": {"U/L": 1.0},
        "thresholds": [],
        "not_interpreted": "the criteria give no alkaline phosphatase threshold",
        "sources": ["24"],
        "reference": [],
    },
}

# Age windows in days (section 2); the engine policy notes say where a figure is not sourced.
AGE_WINDOWS: dict[str, Any] = {
    "neonate_below_days": 28,
    "hours_72": 72,
    "hours_48": 48,
    "late_hypocalcemia_days": [3, 14],
    "jitteriness_window_days": 60,
    "moro_window_days": 183,
    "spasms_window_days": [30, 730],
    "benign_myoclonus_window_days": [30, 365],
    "preterm_below_weeks": 37,
    "very_low_birth_weight_below_g": 1500,
}

RULESET: dict[str, Any] = {
    "version": RULESET_VERSION,
    "episode_patterns": EPISODE_PATTERNS,
    "case_patterns": CASE_PATTERNS,
    "causes": CAUSES,
    "criteria": CRITERIA,
    "triage_rules": TRIAGE_RULES,
    "override": OVERRIDE,
    "reassure": REASSURE,
    "default_rule": DEFAULT_RULE,
    "red_flags": RED_FLAGS,
    "recommended_tests": RECOMMENDED_TESTS,
    "missing_information": MISSING_INFORMATION,
    "caregiver_advice": CAREGIVER_ADVICE,
    "labs": LABS,
    "age_windows": AGE_WINDOWS,
}


def ruleset_digest(ruleset: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a ruleset (sorted keys, no whitespace)."""
    canonical = json.dumps(ruleset, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


RULESET_DIGEST = ruleset_digest(RULESET)
