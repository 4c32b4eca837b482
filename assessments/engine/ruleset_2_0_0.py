"""Ruleset 2.0.0 as typed data (CLINICAL_CRITERIA.md section 0b, over sections 2-4).

Conditions are written over the facts ``facts_2.py`` derives. Episode-scope entries see one episode
at a time: its own answers (``tremor``, ``asleep``...), the infant's age when it started
(``neonate``, ``young_infant``, ``maybe_``-forms when unknown), the results inside their validity
window around it (``glucose_critical``...), the infant's record and the case facts. Case-scope
entries see the infant's record, the current results, ``any:X``/``all:X`` over episodes and the
infant's age now. Every entry has its id (or code), its text and its sources ([n] of the criteria
file); "engine policy" marks what no source fixes.
"""

from typing import Any

from .model import (
    AdviceLine,
    Criterion,
    Pattern,
    Question,
    RedFlag,
    Rule,
    TestRecommendation,
    Threshold,
)

VERSION = "2.0.0"

# --- Time and age (section 0b "Time", "Age"), engine policy where no source fixes a figure -----
AGE: dict[str, Any] = {
    "neonate_max_days": 28,
    "neonate_postmenstrual_below_weeks": 44,
    "young_infant_max_days": 90,
    "term_weeks": 40,
    "preterm_below_weeks": 37,
    "very_low_birth_weight_below_g": 1500,
    "hours_48": 48,
    "hours_72": 72,
    "late_hypocalcemia_days": (3, 14),
    "jitteriness_window_days": 60,
    "moro_window_days": 183,
    "spasms_first_days": 30,
    "spasms_last_days": 730,
    "benign_myoclonus_window_days": (30, 365),
}
# Hours a result counts for an episode, before or after its start ("eeg": until a later one).
VALIDITY_HOURS = {
    "glucose": (3, 6),  # (first 48 h of life, after)
    "ionized_calcium": (3, 6),
    "total_calcium": (48, 48),
    "magnesium": (48, 48),
    "phosphate": (48, 48),
    "sodium": (48, 48),
    "bilirubin_total": (48, 48),
    "infection_workup": (48, 48),
    "pth": (720, 720),
    "vitamin_d_25oh": (720, 720),
    "alkaline_phosphatase": (720, 720),
}
TEMPERATURE_C = {"fever_at_or_above": 38.0, "hypothermia_below": 36.0, "normal_from": 36.5}
# Canonical units (I3): every value is converted before it is compared.
CANONICAL = {
    "glucose": ("mg/dL", {"mg/dL": 1.0, "mmol/L": 18.0}),
    "total_calcium": ("mg/dL", {"mg/dL": 1.0, "mmol/L": 4.0}),
    "ionized_calcium": ("mg/dL", {"mg/dL": 1.0, "mmol/L": 4.0}),
    "magnesium": ("mg/dL", {"mg/dL": 1.0, "mmol/L": 2.43}),
    "phosphate": ("mg/dL", {"mg/dL": 1.0, "mmol/L": 3.1}),
    "vitamin_d_25oh": ("ng/mL", {"ng/mL": 1.0, "nmol/L": 1 / 2.5}),
    "sodium": ("mmol/L", {"mmol/L": 1.0}),
    "bilirubin_total": ("mg/dL", {"mg/dL": 1.0, "umol/L": 1 / 17.1}),
    "pth": ("pg/mL", {"pg/mL": 1.0}),
    "alkaline_phosphatase": ("U/L", {"U/L": 1.0}),
}

T = Threshold
THRESHOLDS = (
    T("GLU-CRIT", "glucose", "critical", "<", 40, "mg/dL",
      "symptomatic infant: IV glucose (AAP 2011); beyond 24 h engine policy E4", ("19", "1")),
    T("GLU-PES-48H", "glucose", "low", "<=", 50, "mg/dL",
      "below the PES goal (>50 mg/dL) for the first 48 h", ("20",), hours=(0, 48)),
    T("GLU-PES-AFTER-48H", "glucose", "low", "<=", 60, "mg/dL",
      "below the PES goal (>60 mg/dL) after 48 h", ("20",), hours=(48, None)),
    T("TCA-TERM", "total_calcium", "low", "<", 8.0, "mg/dL",
      "hypocalcemia, term infant: total calcium <8.0 mg/dL", ("22", "23", "24"),
      population="term"),
    T("TCA-PRETERM", "total_calcium", "low", "<", 7.0, "mg/dL",
      "hypocalcemia, preterm or very low birth weight: total calcium <7.0 mg/dL",
      ("22", "23", "24"), population="preterm_or_vlbw"),
    T("ICA-TERM", "ionized_calcium", "low", "<", 4.4, "mg/dL",
      "hypocalcemia, birth weight 1500 g or more: ionized calcium <4.4 mg/dL", ("24", "25"),
      population="birth_weight_1500_or_more"),
    T("ICA-VLBW", "ionized_calcium", "low", "<", 4.0, "mg/dL",
      "hypocalcemia, birth weight <1500 g: ionized calcium <4.0 mg/dL", ("24", "25"),
      population="birth_weight_under_1500"),
    T("MG-LOW", "magnesium", "low", "<", 1.6, "mg/dL",
      "hypomagnesemia: <1.6 mg/dL; signs usually below 1.2 mg/dL", ("29",)),
    T("PHOS-HIGH", "phosphate", "high", ">", 8.0, "mg/dL",
      "high phosphate (one centre's definition in late hypocalcemia): >8 mg/dL", ("50",)),
    T("VITD-DEFICIENT", "vitamin_d_25oh", "low", "<", 12, "ng/mL",
      "vitamin D deficiency: <12 ng/mL (Global Consensus 2016)", ("30",),
      category="deficiency"),
    T("VITD-INSUFFICIENT", "vitamin_d_25oh", "low", "<", 20, "ng/mL",
      "vitamin D insufficiency: 12-19 ng/mL", ("30",), category="insufficiency"),
    T("NA-HIGH", "sodium", "high", ">", 150, "mmol/L",
      "sodium above 150 mmol/L: hypernatraemic dehydration to confirm (engine policy)", ()),
    T("NA-LOW", "sodium", "low", "<", 130, "mmol/L",
      "sodium below 130 mmol/L (engine policy)", ()),
)  # fmt: skip
NOT_INTERPRETED = {
    "pth": ("PTH is judged against the calcium level; the criteria give no numeric threshold",
            ("26", "50")),
    "alkaline_phosphatase": ("the criteria give no alkaline phosphatase threshold", ("24",)),
    "bilirubin_total": ("no bilirubin threshold is fixed here: any bilirubin in a neonate with"
                        " lethargy, a high-pitched cry or arching is same-day (section 0b)", ()),
}  # fmt: skip

# --- Patterns -------------------------------------------------------------------------------------
P = Pattern
EPISODE_PATTERNS = (
    P("restraint_fails_awake",
      {"all": [{"any": ["maybe_awake", "continues_after_waking"]},
               {"any": [{"all": ["rhythmic", "restraint_fails"]},
                        {"all": ["clonic", "!restraint_stops"]}]}]},
      "rhythmic jerking not stopped, or only partly stopped, by gentle restraint while awake",
      ("2", "3")),
    P("sleep_clonic_unresolved",
      {"all": ["asleep", "clonic",
               {"any": ["continues_after_waking", "waking_unknown", {"all": ["focal",
                                                                          "maybe_neonate"]}]}]},
      "rhythmic clonic jerks in sleep that do not stop on waking, or waking not tried, or"
      " one-sided in a neonate", ("2", "13")),
    P("clinician_clonic_awake", {"all": ["clinician_clonic", "maybe_awake"]},
      "a clinician rated a clonic pattern from the video while awake", ("9",)),
    P("subtle_seizure_neonate",
      {"all": ["maybe_neonate", {"any": ["pedalling", "oral_automatisms", "apnea", "cyanosis"]}]},
      "pedalling or boxing, mouth automatisms, or apnea or colour change in a neonate",
      ("2", "9", "37")),
    P("seizure_signs",
      {"any": ["clonic", "abnormal_eyes", "restraint_fails_awake", "sleep_clonic_unresolved",
               "oral_automatisms", "subtle_seizure_neonate", "clinician_clonic"]}),
    P("clinical_tetany",
      {"any": ["assoc:carpopedal_spasm", "assoc:stridor", {"all": ["apnea", "assoc:twitching"]}]},
      "carpopedal spasm, stridor or laryngospasm, or apnea with twitching", ("22", "24")),
    P("fever", {"any": ["assoc:fever", "temp_fever"]}),
    P("hypothermia", {"any": ["assoc:hypothermia", "temp_hypothermia"]}),
    P("withdrawal_context", {"all": ["neonate", "maternal_opioid_class"]}),
    P("infection_signs",
      {"any": ["fever", "hypothermia", "assoc:lethargy", "assoc:respiratory_difficulty",
               "fontanelle_bulging",
               {"all": ["!withdrawal_context",
                        {"any": ["assoc:poor_feeding", "assoc:high_pitched_cry"]}]}]}),
    P("asleep_focal", {"all": ["asleep", "focal"]}),
    P("asleep_restraint_fails", {"all": ["asleep", "restraint_fails"]}),
    P("asleep_clusters", {"all": ["asleep", "clusters"]}),
    P("asleep_provoked", {"all": ["asleep", "sleep_provoking_trigger"]}),
    P("asleep_waking_unknown", {"all": ["asleep", "waking_unknown"]}),
    P("waking_answered", {"all": ["asleep", {"any": ["stops_on_waking",
                                                      "continues_after_waking"]}]}),
    P("awake_myoclonic", {"all": ["awake", "myoclonic"]}),
    P("restraint_question", {"all": ["maybe_awake", "restraint_unknown", "rhythmic"]}),
    P("spasm_cluster", {"all": ["clusters", {"any": ["spasm", "waking_event"]}]}),
    # A spasm whose clustering nobody has answered may be a cluster: unknown is never normal.
    P("spasm_maybe_cluster", {"all": ["spasm", "!no_clusters", "!clusters"]}),
    P("startle_stiffening", {"all": ["tonic", "sudden_stimulus"]},
      "stiffening set off by a sudden noise or touch", ("18",)),
    P("unexplained_tonic", {"all": ["tonic", "!startle", "!sudden_stimulus"]},
      "sustained stiffening not locked to a startle", ("2", "18")),
    P("brief_jerks", {"any": ["myoclonic", "startle", "spasm", "single", "jerking_unspecified"]}),
    P("jerk_cluster_awake",
      {"all": ["clusters", "brief_jerks", {"any": ["awake", "waking_event"]}, "!focal",
               "!tremor"]},
      "a cluster of brief symmetric jerks while awake, on waking or with crying", ("31", "32")),
    P("benign_paroxysm",
      {"all": ["!asleep", {"any": ["shuddering", {"all": ["awake", "myoclonic"]},
                                   {"all": ["awake", "spasm", "meal_or_excitement"]}]}]},
      "shuddering or benign-myoclonus-type events while awake", ("15", "35", "36")),
    P("jerks_or_one_sided",
      {"any": ["myoclonic", "clonic", "spasm", "startle", "tonic", "jerking_unspecified",
               "focal", "pedalling"]}),
    P("benign_tremor", {"all": ["tremor", "!coarse_tremor", "provoked", "restraint_stops"]}),
    P("single_startle",
      {"all": ["startle", "sudden_stimulus", "!clusters", "!clonic", "!myoclonic"]}),
    P("typical_sleep_jerks", {"all": ["asleep", "stops_on_waking", "!focal", "!clonic"]}),
    P("confirmed_sleep_myoclonus",
      {"all": ["typical_sleep_jerks", {"any": ["covered", "eeg_normal"]}, "!eeg_abnormal"]}),
    P("benign_episode", {"any": ["benign_tremor", "single_startle", "typical_sleep_jerks"]}),
    P("asleep_unconfirmed", {"all": ["asleep", "!confirmed_sleep_myoclonus"]}),
    P("temp_abnormal", {"any": ["fever", "hypothermia", "temp_cold_stress"]}),
    P("long_event", {"all": ["duration_over_5_min", "seizure_signs"]}),
    P("glucose_symptoms",
      {"any": ["assoc:poor_feeding", "assoc:lethargy", "assoc:hypotonia", "assoc:sweating",
               "hypothermia", "assoc:high_pitched_cry"]}),
)  # fmt: skip

# Patterns over the infant's record alone, known before any episode is read.
INFANT_PATTERNS = (
    P("hypoglycemia_risk", {"any": ["maternal_diabetes", "preterm", "sga_or_lga"]}, scope="case"),
    P("no_risk_factors",
      {"all": ["no_maternal_diabetes", "term", "!sga_or_lga", "maternal_drugs_none"]},
      scope="case"),
    P("tsc_context", {"any": ["tsc_skin", "family:tuberous_sclerosis"]}, scope="case"),
)  # fmt: skip

CASE_PATTERNS = (
    P("jittery", "any:tremor", scope="case"),
    P("suspected_hyperekplexia",
      {"any": ["nose_tap_startle",
               {"all": ["any:startle", "any:assoc:generalized_stiffness"]},
               {"all": ["any:startle", "any:tonic"]}, "any:startle_stiffening",
               {"all": ["any:startle", "neuro_hypertonia"]},
               {"all": ["any:startle", "family:startle_disorder"]}]},
      "exaggerated startle with stiffness or a nose-tap response (hyperekplexia)", ("18",),
      scope="case"),
    P("any_seizure_pattern", {"any": ["any:seizure_signs", "eeg_electrographic"]}, scope="case"),
    P("glucose_needed",
      {"any": [{"all": ["jittery", "any:maybe_lt_72h"]}, "any:glucose_symptoms",
               {"all": ["hypoglycemia_risk", "any:maybe_neonate"]}, "any_seizure_pattern",
               "any:clinical_tetany"]}, scope="case"),
    P("calcium_needed",
      {"any": [{"all": ["jittery", "any:maybe_days_3_14", "formula_fed"]},
               {"all": ["jittery", "maternal_diabetes"]}, {"all": ["jittery", "preterm"]},
               {"all": ["jittery", "any:age_gt_2m"]}, "any:clinical_tetany",
               "any:assoc:twitching", "any_seizure_pattern"]}, scope="case"),
    P("neonate_unwell",
      {"all": ["any:maybe_neonate",
               {"any": ["any:assoc:lethargy", "any:assoc:poor_feeding"]}]}, scope="case"),
    P("bilirubin_signs",
      {"any": ["any:assoc:jaundice",
               {"all": ["any:maybe_neonate",
                        {"any": ["any:assoc:lethargy", "any:assoc:high_pitched_cry",
                                 "any:assoc:arching_or_opisthotonus"]}]}]}, scope="case"),
)  # fmt: skip

CAUSES = (
    "physiological_jitteriness",
    "startle_moro",
    "benign_neonatal_sleep_myoclonus",
    "hypocalcemia",
    "hypoglycemia",
    "neonatal_or_focal_seizure",
    "infantile_spasms",
    "benign_nonepileptic_infant_paroxysm",
    "pathologic_startle_hyperekplexia",
    "infection_sepsis_meningitis",
    "drug_exposure_or_withdrawal",
)
METABOLIC_CAUSES = {"hypocalcemia": "calcium_or_magnesium_low", "hypoglycemia": "glucose_low"}
# Rules that name a seizure pattern: the seizure leads unless a metabolic cause or infection does.
SEIZURE_RULES = ("E1", "E8", "S11", "S12")

_PJ, _SM, _BN = "physiological_jitteriness", "startle_moro", "benign_neonatal_sleep_myoclonus"
_HC, _HG, _NS = "hypocalcemia", "hypoglycemia", "neonatal_or_focal_seizure"
_IS, _BP, _HX = ("infantile_spasms", "benign_nonepileptic_infant_paroxysm",
                 "pathologic_startle_hyperekplexia")  # fmt: skip
_IN, _DW = "infection_sepsis_meningitis", "drug_exposure_or_withdrawal"
_E, _C, _A = "episode", "case", "all"
_APNEA_OR_COLOUR = {"any": ["apnea", "cyanosis"]}


def _c(
    cid: str,
    cause: str,
    direction: str,
    weight: int,
    text: str,
    sources: list[str],
    when: object,
    scope: str = _E,
) -> Criterion:
    return Criterion(cid, cause, direction, weight, text, tuple(sources), when, scope)


CRITERIA = (
    # physiological_jitteriness
    _c("PJ1", _PJ, "for", 1, "jitteriness is common in newborns (44% of healthy term neonates)",
       ["4"], {"all": ["tremor", "neonate", "term"]}),
    _c("PJ2", _PJ, "for", 3, "fine rhythmic tremor of equal rate and amplitude", ["2", "3", "10"],
       {"all": ["tremor", "!coarse_tremor"]}),
    _c("PJ3", _PJ, "for", 2, "provoked by crying, handling, cold or hunger", ["3"],
       {"all": ["tremor", "provoked"]}),
    _c("PJ4", _PJ, "for", 3, "stops with gentle holding", ["2", "3"],
       {"all": ["tremor", "restraint_stops"]}),
    _c("PJ5", _PJ, "for", 1, "symmetric", ["3"], {"all": ["tremor", "symmetric", "!focal"]}),
    _c("PJ6", _PJ, "for", 1, "eyes normal, no breathing or colour change, alert", ["2", "3"],
       {"all": ["tremor", "eyes_normal", "autonomic_none", "alert"]}),
    _c("PJ7", _PJ, "for", 1, "fast tremor (6 Hz or more)", ["8"], "rate_fast"),
    _c("PJA1", _PJ, "against", 3, "continues when the limb is held while awake", ["2", "3"],
       "restraint_fails_awake"),
    _c("PJA2", _PJ, "against", 2, "fast and slow (clonic) phases", ["2", "9"], "clonic"),
    _c("PJA3", _PJ, "against", 2, "abnormal eye signs", ["2"], "abnormal_eyes"),
    _c("PJA4", _PJ, "against", 2, "apnea", ["2"], "apnea"),
    _c("PJA5", _PJ, "against", 2, "one-sided", ["2"], "focal"),
    _c("PJA6", _PJ, "against", 3, "only in sleep and stops on waking (sleep myoclonus)",
       ["11", "13"], {"all": ["all:asleep", "any:stops_on_waking"]}, _C),
    _c("PJA7", _PJ, "against", 3, "clusters on waking (spasms)", ["31"], "spasm_cluster"),
    _c("PJA8", _PJ, "against", 4, "low glucose, calcium or magnesium at the time (a metabolic"
       " cause)", ["19", "22", "29"], {"any": ["glucose_low", "calcium_or_magnesium_low"]}),
    _c("PJA9", _PJ, "against", 2, "poor feeding, lethargy or low temperature", ["3", "8"],
       {"any": ["assoc:poor_feeding", "assoc:lethargy", "hypothermia"]}),
    _c("PJA10", _PJ, "against", 2, "coarse, high-amplitude tremor", ["8"], "coarse_tremor"),
    _c("PJA11", _PJ, "against", 2, "fever", ["2"], "fever"),
    _c("PJA12", _PJ, "against", 4, "tetany, stridor or apnea with twitching (a metabolic"
       " cause)", ["22", "24"], "clinical_tetany"),
    # startle_moro
    _c("SM1", _SM, "for", 3, "single brief startle", ["1", "17"], {"any": ["startle", "single"]}),
    _c("SM2", _SM, "for", 3, "right after a sudden noise, position change or loss of support",
       ["1", "17"], {"all": ["sudden_stimulus", {"any": ["startle", "single"]}]}),
    _c("SM3", _SM, "for", 1, "symmetric", ["17"], {"all": ["startle", "symmetric"]}),
    _c("SM4", _SM, "for", 1, "cries then settles", ["1"], {"all": ["startle",
                                                                   "cries_then_settles"]}),
    _c("SM5", _SM, "for", 1, "not clustered", ["1"], {"all": ["startle", "no_clusters"]}),
    _c("SM6", _SM, "for", 1, "age when the startle reflex is expected (under 6 months)",
       ["17"], {"all": ["startle", "age_le_6m"]}),
    _c("SMA1", _SM, "against", 2, "no stimulus", ["17"], {"all": ["startle", "unprovoked"]}),
    _c("SMA2", _SM, "against", 3, "clusters (especially on waking: spasms)", ["31"],
       {"all": ["startle", "clusters"]}),
    _c("SMA3", _SM, "against", 2, "repetitive rhythmic jerks", ["2"],
       {"any": ["clonic", "myoclonic", "tremor"]}),
    _c("SMA4", _SM, "against", 2, "sustained stiffness", ["18"], "tonic"),
    _c("SMA5", _SM, "against", 3, "exaggerated startle with stiffness or a nose-tap response"
       " (hyperekplexia)", ["18"], "suspected_hyperekplexia", _C),
    _c("SMA6", _SM, "against", 2, "startle beyond 6 months of age (corrected)", ["17"],
       {"all": ["startle", "age_gt_6m"]}),
    # benign_neonatal_sleep_myoclonus
    _c("BN1", _BN, "for", 3, "only in sleep", ["11", "12", "13"], "all:asleep", _A),
    _c("BN2", _BN, "for", 2, "repetitive myoclonic jerks in sleep", ["13", "15"],
       {"all": ["asleep", "myoclonic"]}),
    _c("BN3", _BN, "for", 3, "stops on waking", ["11", "13"], {"all": ["asleep",
                                                                      "stops_on_waking"]}),
    _c("BN4", _BN, "for", 2, "not stopped by holding during sleep (typical of sleep myoclonus)",
       ["14", "16"], "asleep_restraint_fails"),
    _c("BN5", _BN, "for", 1, "jerks at 1-5 Hz in sleep", ["15"], {"all": ["asleep", "rate_1_5"]}),
    _c("BN6", _BN, "for", 1, "provoked by rocking or noise in sleep", ["16"], "asleep_provoked"),
    _c("BN7", _BN, "for", 1, "clusters in sleep", ["13", "15"], "asleep_clusters"),
    _c("BN8", _BN, "for", 1, "neonatal age (onset day 1 to 3 weeks)", ["11", "12"],
       {"all": ["neonate", "asleep"]}),
    _c("BN9", _BN, "for", 1, "worse after a benzodiazepine or antiseizure drug", ["14", "16"],
       {"all": ["all:asleep", "antiseizure_worse"]}, _C),
    _c("BNA1", _BN, "against", 3, "happens awake", ["11", "13"], "awake"),
    _c("BNA2", _BN, "against", 3, "continues after waking", ["11", "13"],
       "continues_after_waking"),
    _c("BNA3", _BN, "against", 2, "eye deviation or apnea", ["11"],
       {"any": ["abnormal_eyes", "apnea"]}),
    _c("BNA4", _BN, "against", 2, "abnormal examination", ["11"], "neuro_abnormal", _C),
    _c("BNA5", _BN, "against", 3, "abnormal EEG", ["11"], "eeg_abnormal", _C),
    _c("BNA6", _BN, "against", 2, "onset after the neonatal period", ["11", "12"],
       {"all": ["asleep", "age_known", "!neonate"]}),
    # hypocalcemia
    _c("HC1", _HC, "for", 1, "jitteriness or twitching", ["22", "24"],
       {"any": ["tremor", "assoc:twitching"]}),
    _c("HC2", _HC, "for", 3, "tetany or carpopedal spasm", ["22", "24"], "assoc:carpopedal_spasm"),
    _c("HC3", _HC, "for", 3, "stridor (laryngospasm)", ["22", "24"], "assoc:stridor"),
    _c("HC4", _HC, "for", 1, "apnea", ["22"], "apnea"),
    _c("HC5", _HC, "for", 1, "seizure-type signs", ["2", "24"], "seizure_signs"),
    _c("HC6", _HC, "for", 2, "formula feeding on days 3-14 (late hypocalcemia)",
       ["24", "26", "27"], {"all": ["formula_fed", "days_3_14"]}),
    _c("HC7", _HC, "for", 1, "maternal diabetes", ["22", "24"], "maternal_diabetes", _C),
    _c("HC8", _HC, "for", 1, "preterm or very low birth weight", ["22", "24"],
       {"any": ["preterm", "vlbw"]}, _C),
    _c("HC9", _HC, "for", 5, "low total or ionized calcium at the time", ["22", "23", "24", "25"],
       "calcium_low"),
    _c("HC10", _HC, "for", 3, "low magnesium at the time", ["29"], "magnesium_low"),
    _c("HC11", _HC, "for", 1, "high phosphate", ["50"], "phosphate_high", _C),
    _c("HC12", _HC, "for", 1, "low 25-hydroxyvitamin D", ["30"], "vitamin_d_low", _C),
    _c("HC13", _HC, "for", 1, "fed an unfortified milk alternative", ["1"], "unfortified_milk",
       _C),
    _c("HC14", _HC, "for", 2, "the movements stopped after calcium or magnesium", ["24", "29"],
       "mineral_response", _C),
    _c("HC15", _HC, "for", 1, "small for gestational age", ["22", "24"], "sga", _C),
    _c("HCA1", _HC, "against", 4, "normal total and ionized calcium at the time", ["22", "24"],
       "calcium_all_normal"),
    # hypoglycemia
    _c("HG1", _HG, "for", 1, "jitteriness or tremor", ["20", "21"], "tremor"),
    _c("HG2", _HG, "for", 2, "poor feeding, lethargy, floppiness, sweating, low temperature or"
       " a high-pitched cry", ["20", "21"], "glucose_symptoms"),
    _c("HG3", _HG, "for", 1, "apnea or colour change", ["20", "21"], _APNEA_OR_COLOUR),
    _c("HG4", _HG, "for", 2, "risk factor: maternal diabetes, preterm, small or large for"
       " gestational age", ["19", "20"], "hypoglycemia_risk", _C),
    _c("HG5", _HG, "for", 1, "transitional period (first 48 hours)", ["19", "20"], "age_lt_48h"),
    _c("HG6", _HG, "for", 5, "glucose below the age-specific goal at the time", ["19", "20"],
       "glucose_low"),
    _c("HG7", _HG, "for", 1, "seizure-type signs", ["20"], "seizure_signs"),
    _c("HG8", _HG, "for", 2, "the movements stopped after glucose", ["20"], "dextrose_response",
       _C),
    _c("HG9", _HG, "for", 2, "low glucose persisting beyond 48 hours", ["20"],
       "glucose_low_persistent", _C),
    _c("HGA1", _HG, "against", 4, "normal glucose at the time", ["19", "20"], "glucose_normal"),
    # neonatal_or_focal_seizure
    _c("NS1", _NS, "for", 3, "rhythmic clonic jerks with a fast and a slow phase", ["9"], "clonic"),
    _c("NS2", _NS, "for", 1, "slow jerks (1-3 per second)", ["9"], {"all": ["rate_1_3",
                                                                          "!asleep"]}),
    _c("NS3", _NS, "for", 2, "focal or one-sided", ["2", "9"], {"all": ["focal", "!tremor"]}),
    _c("NS4", _NS, "for", 1, "not provoked by a stimulus", ["2"], {"all": ["unprovoked",
                                                                         "!asleep"]}),
    _c("NS5", _NS, "for", 3, "not stopped by holding while awake", ["2", "3"],
       "restraint_fails_awake"),
    _c("NS6", _NS, "for", 3, "eye deviation, staring or nystagmoid jerks", ["2", "9"],
       "abnormal_eyes"),
    _c("NS7", _NS, "for", 2, "apnea or colour change", ["2", "9"], _APNEA_OR_COLOUR),
    _c("NS8", _NS, "for", 2, "heart-rate change or drooling", ["2", "9"],
       {"any": ["heart_rate_change", "drooling"]}),
    _c("NS9", _NS, "for", 2, "altered responsiveness or drowsy afterwards", ["2", "9"],
       {"any": ["altered", "sleepy_after"]}),
    _c("NS10", _NS, "for", 1, "neonatal period (highest seizure risk)", ["2"],
       {"all": ["neonate", "!benign_episode"]}),
    _c("NS11", _NS, "for", 2, "abnormal neurological examination", ["2"], "neuro_abnormal", _C),
    _c("NS12", _NS, "for", 3, "epileptiform EEG", ["37"], "eeg_epileptiform", _C),
    _c("NS13", _NS, "for", 5, "seizures recorded on the EEG", ["37", "58"],
       "eeg_electrographic", _C),
    _c("NS14", _NS, "for", 2, "abnormal brain imaging", ["47"], "imaging_abnormal", _C),
    _c("NS15", _NS, "for", 1, "family history of neonatal seizures or epilepsy", ["40"],
       {"any": ["family:neonatal_seizures", "family:epilepsy"]}, _C),
    _c("NS16", _NS, "for", 3, "pedalling, boxing or mouth movements (subtle seizure)",
       ["2", "9", "37"], {"any": ["pedalling", "oral_automatisms"]}),
    _c("NS17", _NS, "for", 3, "clonic pattern rated by a clinician from the video", ["9"],
       "clinician_clonic"),
    _c("NS18", _NS, "for", 2, "movements stopped after an antiseizure drug", ["37"],
       "antiseizure_response", _C),
    _c("NS19", _NS, "for", 3, "clonic jerks in sleep that do not stop on waking", ["2", "13"],
       "sleep_clonic_unresolved"),
    _c("NSA1", _NS, "against", 3, "stops with gentle holding", ["2", "3"],
       {"all": ["restraint_stops", "!clonic", "!restraint_fails_awake"]}),
    _c("NSA2", _NS, "against", 1, "locked to a stimulus", ["2"],
       {"all": [{"any": ["provoked", "sudden_stimulus"]}, "!seizure_signs"]}),
    _c("NSA3", _NS, "against", 3, "only in sleep and stops on waking", ["11", "13"],
       {"all": ["all:asleep", "all:typical_sleep_jerks"]}, _C),
    _c("NSA4", _NS, "against", 3, "normal video-EEG during a typical event of this type",
       ["37"], "covered"),
    # infantile_spasms
    _c("IS1", _IS, "for", 3, "clusters of spasms, or clusters on waking", ["31", "32"],
       "spasm_cluster"),
    _c("IS2", _IS, "for", 2, "brief spasm-like flexion or extension", ["31", "34"], "spasm"),
    _c("IS3", _IS, "for", 1, "on waking or after naps", ["31", "34"],
       {"all": ["waking_event", {"any": ["spasm", "clusters"]}]}),
    _c("IS4", _IS, "for", 3, "developmental regression", ["31", "32"], "regression", _C),
    _c("IS5", _IS, "for", 2, "developmental plateau", ["31"], "plateau", _C),
    _c("IS6", _IS, "for", 1, "typical age (1-24 months, corrected)", ["31", "34"],
       {"all": ["age_1_24m", {"any": ["spasm", "clusters"]}]}),
    _c("IS7", _IS, "for", 3, "hypsarrhythmia on EEG", ["31"], "eeg_hypsarrhythmia", _C),
    _c("IS8", _IS, "for", 2, "a cluster of brief symmetric jerks while awake or on waking",
       ["31", "32"], "jerk_cluster_awake"),
    _c("IS9", _IS, "for", 2, "skin signs or family history of tuberous sclerosis", ["56"],
       {"all": ["tsc_context", {"any": ["any:spasm", "any:clusters", "any:myoclonic"]}]}, _C),
    _c("ISA1", _IS, "against", 3, "normal video-EEG during a typical event of this type",
       ["31"], {"all": ["covered", {"any": ["spasm", "clusters"]}]}),
    _c("ISA2", _IS, "against", 2, "only in sleep", ["31"], "all:asleep", _A),
    _c("ISA3", _IS, "against", 2, "a single startle triggered by a stimulus", ["31"],
       "all:single_startle", _A),
    # benign_nonepileptic_infant_paroxysm
    _c("BP1", _BP, "for", 2, "awake only", ["15", "35", "36"],
       {"all": ["all:awake", {"any": ["any:shuddering", "any:spasm", "any:myoclonic"]}]}, _C),
    _c("BP2", _BP, "for", 2, "brief shivering or spasm-like bursts", ["35", "36"],
       {"any": ["shuddering", "spasm"]}),
    _c("BP3", _BP, "for", 1, "at meals or when excited", ["36"],
       {"all": ["meal_or_excitement", "!tremor"]}),
    _c("BP4", _BP, "for", 1, "awareness preserved", ["35", "36"],
       {"all": ["benign_paroxysm", "alert"]}),
    _c("BP5", _BP, "for", 1, "normal development", ["35"],
       {"all": ["development_age_appropriate", {"any": ["any:benign_paroxysm",
                                                        "any:spasm"]}]}, _C),
    _c("BP6", _BP, "for", 3, "normal video-EEG during a typical event", ["15", "35", "36"],
       {"all": ["covered", "!asleep"]}),
    _c("BP7", _BP, "for", 1, "typical age (1-12 months)", ["15", "35"],
       {"all": ["age_1_12m", "benign_paroxysm"]}),
    _c("BPA1", _BP, "against", 3, "developmental regression", ["35"], "regression", _C),
    _c("BPA2", _BP, "against", 3, "abnormal EEG", ["35", "36"], "eeg_abnormal", _C),
    _c("BPA3", _BP, "against", 2, "only in sleep", ["35"], "all:asleep", _A),
    _c("BPA4", _BP, "against", 2, "neonatal age (benign myoclonus of early infancy begins at"
       " 1-12 months)", ["15", "35"], {"all": ["neonate", {"any": ["shuddering", "spasm",
                                                                 "myoclonic"]}]}),
    _c("BPA5", _BP, "against", 3, "skin signs or family history of tuberous sclerosis", ["56"],
       {"all": ["tsc_context", "jerks_or_one_sided"]}),
    # pathologic_startle_hyperekplexia
    _c("HX1", _HX, "for", 3, "head-retraction response to nose tapping", ["18"],
       "nose_tap_startle", _C),
    _c("HX2", _HX, "for", 2, "startle with generalized stiffness", ["18"],
       {"all": ["startle", {"any": ["assoc:generalized_stiffness", "tonic",
                                    "neuro_hypertonia"]}]}),
    _c("HX3", _HX, "for", 2, "startle with apnea or colour change", ["18"],
       {"all": ["startle", _APNEA_OR_COLOUR]}),
    _c("HX4", _HX, "for", 2, "family history of a startle disorder", ["18"],
       "family:startle_disorder", _C),
    _c("HX5", _HX, "for", 1, "stimulus-sensitive", ["18"], {"all": ["stimulus_sensitive",
                                                                   "startle"]}),
    _c("HX6", _HX, "for", 1, "parents related by blood (recessive forms)", ["18"],
       {"all": ["family:consanguinity", "suspected_hyperekplexia"]}, _C),
    _c("HXA1", _HX, "against", 1, "normal neurological examination", ["18"], "neuro_normal", _C),
    _c("HXA2", _HX, "against", 2, "epileptiform EEG (EEG is normal in hyperekplexia)", ["18"],
       {"any": ["eeg_epileptiform", "eeg_electrographic"]}, _C),
    # infection_sepsis_meningitis (section 0b)
    _c("IN1", _IN, "for", 4, "fever (38.0 °C or more)", ["51", "52"], "fever"),
    _c("IN2", _IN, "for", 3, "low temperature (below 36.0 °C)", ["51", "59"], "hypothermia"),
    _c("IN3", _IN, "for", 4, "bulging fontanelle", ["51", "52"], "fontanelle_bulging", _C),
    _c("IN4", _IN, "for", 2, "lethargy", ["51", "52"], "assoc:lethargy"),
    _c("IN5", _IN, "for", 1, "poor feeding", ["51"], {"all": ["assoc:poor_feeding",
                                                              "!withdrawal_context"]}),
    _c("IN6", _IN, "for", 1, "breathing difficulty", ["51", "52"], "assoc:respiratory_difficulty"),
    _c("IN7", _IN, "for", 1, "a high-pitched cry", ["52"],
       {"all": ["assoc:high_pitched_cry", "!withdrawal_context"]}),
    _c("IN8", _IN, "for", 1, "young infant (90 days or less): infection is a cause of seizures"
       " and shaking", ["2", "51"], {"all": ["young_infant", "infection_signs"]}),
    _c("IN9", _IN, "for", 1, "seizure-type signs with fever", ["2"],
       {"all": ["seizure_signs", "fever"]}),
    _c("INA1", _IN, "against", 2, "normal temperature measured", ["59"], "temp_normal"),
    _c("INA2", _IN, "against", 2, "a current result shows a metabolic cause", ["19", "24"],
       "metabolic_proven", _C),
    _c("INA3", _IN, "against", 2, "infection work-up normal", ["51"], "infection_workup_normal",
       _C),
    # drug_exposure_or_withdrawal (section 0b)
    _c("DW1", _DW, "for", 4, "mother took opioids, methadone, buprenorphine or benzodiazepines"
       " in pregnancy", ["53", "54"],
       {"all": ["maternal_opioid_class", {"any": ["tremor", "assoc:high_pitched_cry",
                                                  "assoc:poor_feeding",
                                                  "assoc:inconsolable_crying",
                                                  "assoc:irritability"]}]}),
    _c("DW2", _DW, "for", 2, "a high-pitched cry or crying that cannot be settled", ["53", "54"],
       {"all": ["maternal_drugs", {"any": ["assoc:high_pitched_cry",
                                          "assoc:inconsolable_crying"]}]}),
    _c("DW3", _DW, "for", 2, "jitteriness with drug exposure in pregnancy", ["53", "60"],
       {"all": ["maternal_drugs", "tremor"]}),
    _c("DW4", _DW, "for", 1, "poor feeding, sweating or vomiting with drug exposure",
       ["53"], {"all": ["maternal_drugs", {"any": ["assoc:poor_feeding", "assoc:sweating",
                                                  "assoc:vomiting"]}]}),
    _c("DW5", _DW, "for", 1, "neonatal age (withdrawal starts in the first days or weeks)",
       ["53"], {"all": ["maternal_drugs", "neonate"]}),
    _c("DW6", _DW, "for", 2, "mother took an antidepressant (SSRI or SNRI) in pregnancy",
       ["60"], {"all": ["maternal_ssri", "tremor"]}),
    _c("DWA1", _DW, "against", 4, "no drug exposure in pregnancy", ["53"],
       "maternal_drugs_none", _C),
)  # fmt: skip

R = Rule
_EMERGENCY, _SAME_DAY, _ROUTINE = "emergency", "same_day", "routine_visit"
RULES = (
    R("E1", _EMERGENCY, "Rhythmic jerking not stopped by gentle restraint while awake, clonic"
      " jerks in sleep that do not stop on waking (or one-sided in a neonate), or a clinician's"
      " clonic rating in a neonate", ("2", "3", "9"),
      {"any": ["restraint_fails_awake", "sleep_clonic_unresolved",
               {"all": ["clinician_clonic_awake", "maybe_neonate"]}]}, _E, True),
    R("E2", _EMERGENCY, "Eye deviation, staring or nystagmoid jerks, mouth automatisms, apnea,"
      " cyanosis or colour change during the event", ("2", "9"),
      {"any": ["abnormal_eyes", "oral_automatisms", "apnea", "cyanosis",
               "subtle_seizure_neonate"]}, _E, True),
    R("E3", _EMERGENCY, "Altered responsiveness during the event, or sleepy or floppy afterwards"
      " in an infant of 90 days or less (engine policy)", ("51",),
      {"any": ["altered", {"all": ["sleepy_after", "maybe_young_infant"]}]}, _E),
    R("E4", _EMERGENCY, "Symptoms, including jitteriness, with glucose below 40 mg/dL (2.2"
      " mmol/L is 39.6 mg/dL) at the time; beyond 24 h this is engine policy", ("19", "1"),
      "glucose_critical", _E),
    R("E5", _EMERGENCY, "Clinical tetany (carpopedal spasm, stridor or laryngospasm, apnea with"
      " twitching), or low calcium or magnesium with seizure signs or apnea", ("22", "24"),
      {"any": ["clinical_tetany",
               {"all": ["calcium_or_magnesium_low", {"any": ["seizure_signs", "apnea"]}]}]}, _E),
    R("E6", _EMERGENCY, "An infant of 90 days or less who shakes with fever, low temperature,"
      " lethargy, poor feeding, breathing difficulty, a bulging fontanelle or a high-pitched cry",
      ("2", "51", "52"), {"all": ["maybe_young_infant", "infection_signs"]}, _E),
    R("E7", _EMERGENCY, "Suspected hyperekplexia with apnea or colour change", ("18",),
      {"all": ["suspected_hyperekplexia", {"any": ["any:apnea", "any:cyanosis"]}]}, _C),
    R("E8", _EMERGENCY, "Seizures recorded on the EEG, or epileptiform discharges when the"
      " recording captured the typical event: treatment now", ("37", "58"),
      {"any": ["eeg_electrographic", {"all": ["eeg_epileptiform", "eeg_captured"]}]}, _C),
    R("S1", _SAME_DAY, "Clusters of spasm-like or brief symmetric jerks while awake, on waking or"
      " with crying, from birth to 24 months (corrected)", ("31", "32"),
      {"all": ["maybe_le_24m", {"any": ["spasm_cluster", "jerk_cluster_awake",
                                        "spasm_maybe_cluster"]}]}, _E, True),
    R("S2", _SAME_DAY, "Jitteriness before 72 h of age without a current glucose, or with a"
      " hypoglycemia risk factor or poor feeding", ("19", "20", "21"),
      {"all": ["tremor", "maybe_lt_72h",
               {"any": ["no_current_glucose", "hypoglycemia_risk", "assoc:poor_feeding"]}]}, _E),
    R("S3", _SAME_DAY, "Jitteriness on days 3-14 in a formula-fed infant that is increasing or"
      " comes with irritability (late hypocalcemia)", ("24", "26", "27"),
      {"all": ["tremor", "maybe_days_3_14", "formula_fed",
               {"any": ["increasing", "assoc:irritability", "irritable_after"]}]}, _E),
    R("S4", _SAME_DAY, "One-sided sleep jerks in a neonate", ("13",),
      {"all": ["asleep_focal", "maybe_neonate"]}, _E),
    R("S5", _SAME_DAY, "A current glucose below the age-specific goal, or a current low calcium"
      " or magnesium", ("19", "20", "24"),
      {"any": ["glucose_low", "calcium_or_magnesium_low"]}, _C),
    R("S6", _SAME_DAY, "Jitteriness beyond 72 h with sweating, floppiness, lethargy or poor"
      " feeding and no current glucose", ("20",),
      {"all": ["tremor", "age_ge_72h", "no_current_glucose_episode",
               {"any": ["assoc:sweating", "assoc:hypotonia", "assoc:lethargy",
                        "assoc:poor_feeding"]}]}, _E),
    R("S7", _SAME_DAY, "Shuddering or benign-myoclonus-type events until an ictal video-EEG of"
      " that event type is normal", ("15", "35", "36"), "benign_paroxysm", _E, True),
    R("S8", _SAME_DAY, "Hyperekplexia pattern in an infant of 90 days or less without apnea"
      " (apnea can follow): EEG, and the flexion manoeuvre taught", ("18", "55"),
      {"all": ["suspected_hyperekplexia", "maybe_young_infant_now"]}, _C),
    R("S9", _SAME_DAY, "Maternal opioid, methadone, buprenorphine or benzodiazepine exposure in a"
      " neonate with jitteriness, a high-pitched cry, poor feeding or crying that cannot be"
      " settled: assess with Eat, Sleep, Console", ("53", "54"),
      {"all": ["maybe_neonate", "maternal_opioid_class",
               {"any": ["tremor", "assoc:high_pitched_cry", "assoc:poor_feeding",
                        "assoc:inconsolable_crying"]}]}, _E),
    R("S10", _SAME_DAY, "A skin sign or family history of tuberous sclerosis with jerks, spasms"
      " or one-sided movements: video-EEG and MRI", ("56",),
      {"all": ["tsc_context", "jerks_or_one_sided"]}, _E),
    R("S11", _SAME_DAY, "A clinician rated a clonic pattern from the video while awake", ("9",),
      "clinician_clonic_awake", _E),
    R("S12", _EMERGENCY, "Subtle-seizure pattern in a neonate (pedalling or boxing, mouth"
      " automatisms, isolated apnea or colour change): E2 applies", ("2", "9", "37"),
      "subtle_seizure_neonate", _E, True),
    R("S13", _SAME_DAY, "Beyond 90 days: shaking with fever, low temperature, lethargy,"
      " breathing difficulty or a bulging fontanelle", ("51", "52"),
      {"all": ["gt_90d", {"any": ["fever", "hypothermia", "assoc:lethargy",
                                  "assoc:respiratory_difficulty", "fontanelle_bulging"]}]}, _E),
    R("S14", _SAME_DAY, "Glucose below the age goal after 48 h of age with no later normal value"
      " (persistent low glucose): glucose and a critical sample", ("20",),
      "glucose_low_persistent", _C),
    R("S15", _SAME_DAY, "Sleepy or floppy after an event beyond 90 days of age (E3 beyond the"
      " young-infant age)", (), {"all": ["sleepy_after", "gt_90d"]}, _E),
    R("S16", _SAME_DAY, "Cold stress (36.0-36.4 °C) with shaking in an infant of 90 days or"
      " less: rewarm and measure again", ("59",),
      {"all": ["temp_cold_stress", "maybe_young_infant"]}, _E),
    R("S17", _SAME_DAY, "Sodium above 150 or below 130 mmol/L", (),
      {"any": ["sodium_high", "sodium_low"]}, _C),
    R("S18", _SAME_DAY, "Jaundice or a measured bilirubin in a neonate with lethargy, a"
      " high-pitched cry or arching (acute bilirubin encephalopathy to exclude)", (),
      {"all": ["maybe_neonate", {"any": ["assoc:jaundice", "bilirubin_current"]},
               {"any": ["assoc:lethargy", "assoc:high_pitched_cry",
                        "assoc:arching_or_opisthotonus"]}]}, _E),
    R("S19", _SAME_DAY, "Sustained stiffening not locked to a startle, up to 24 months: EEG"
      " (tonic seizures and hyperekplexia to tell apart; engine policy)", ("2", "18"),
      {"all": ["unexplained_tonic", "maybe_le_24m"]}, _E, True),
    R("P1", _SAME_DAY, "Engine policy: an epileptiform or hypsarrhythmic EEG needs a clinician"
      " today", ("31", "37"), {"any": ["eeg_epileptiform", "eeg_hypsarrhythmia"]}, _C),
    R("R1", _ROUTINE, "Benign-pattern jitteriness beyond about 2 months (corrected)",
      ("5", "6", "7"), {"all": ["tremor", "age_gt_2m"]}, _E),
    R("R2", _ROUTINE, "First report of suspected sleep myoclonus (clinician confirms from"
      " video)", ("11", "13"), {"all": ["asleep", "!confirmed_sleep_myoclonus"]}, _E),
    R("R3", _ROUTINE, "Startle (Moro) beyond 6 months (corrected) or asymmetric", ("17",),
      {"all": ["startle", {"any": ["age_gt_6m", "focal"]}]}, _E),
    R("R4", _ROUTINE, "Shuddering or benign-myoclonus-type events after a normal video-EEG of"
      " that event type", ("35", "36"),
      {"all": [{"any": ["shuddering", "spasm", "awake_myoclonic"]}, "covered"]}, _E),
    R("R5", _ROUTINE, "Developmental concern without regression", ("31",),
      {"any": ["development_delayed", "plateau"]}, _C),
    R("R6", _ROUTINE, "Mild jitteriness after 72 h with antidepressant (SSRI or SNRI) exposure in"
      " pregnancy", ("60",), {"all": ["maternal_ssri", "tremor", "age_ge_72h"]}, _E),
)  # fmt: skip

CURRENT_RED_FLAG_RULE = R(
    "I1", _SAME_DAY, "A current red flag needs a clinician the same day (safety invariant I1)",
    (), "current_red_flag", _C)  # fmt: skip
OVERRIDE_RULE = R(
    "OVR1", _ROUTINE, "A normal video-EEG that captured this event type: E1, E2, S1, S7 and S12"
    " do not apply to episodes of that type and state up to the recording", ("31", "37"),
    "covered", _E)  # fmt: skip
REASSURE_RULE = R(
    "M1", "reassure_monitor", "Benign pattern with normal eyes, breathing and colour, alert,"
    " feeding well, age in the window, no risk factors or normal glucose, normal development",
    ("1", "3", "17"),
    {"all": ["all:benign_episode", "!any:asleep_unconfirmed", "all:eyes_normal",
             "all:autonomic_none", "all:alert", "all:associated_none", "!any:sleepy_after",
             "!any:temp_abnormal", "all:age_known", {"any": ["!any:tremor", "all:age_le_2m"]},
             {"any": ["!any:startle", "all:age_le_6m"]},
             {"any": ["no_risk_factors", "glucose_all_normal_latest"]}, "maternal_drugs_none",
             {"any": ["!glucose_needed", "glucose_all_normal_latest"]},
             {"any": ["!calcium_needed", "calcium_all_normal_latest"]},
             "development_normal", "!neuro_abnormal", "!nose_tap_startle", "!eeg_abnormal",
             "!imaging_abnormal", "!tsc_context", "!head_abnormal", "!fontanelle_bulging",
             "!family:tuberous_sclerosis"]}, _C)  # fmt: skip
DEFAULT_RULE = R(
    "R0", _ROUTINE, "Not every reassure-and-monitor condition is known to hold", (), "", _C
)
OVERRIDABLE = frozenset(rule.id for rule in RULES if rule.overridable)

F = RedFlag
RED_FLAGS = (
    F("RF1", "one-sided jerks in a neonate", ("13", "2"),
      {"all": ["focal", "maybe_neonate", "!tremor"]}, _E),
    F("RF2", "abnormal eye signs during an episode", ("2", "9"), "abnormal_eyes", _E),
    F("RF3", "apnea or colour change during an episode", ("2", "9"), _APNEA_OR_COLOUR, _E),
    F("RF4", "heart-rate change or drooling during an episode", ("2",),
      {"any": ["heart_rate_change", "drooling"]}, _E),
    F("RF5", "altered responsiveness during an episode", ("2",), "altered", _E),
    F("RF6", "sleepy or floppy after an episode", ("2",), "sleepy_after", _E),
    F("RF7", "shaking not stopped by gentle holding while awake", ("2", "3"),
      "restraint_fails_awake", _E),
    F("RF8", "coarse, high-amplitude tremor", ("8",), "coarse_tremor", _E),
    F("RF9", "poor feeding, lethargy or low temperature", ("3", "8"),
      {"any": ["assoc:poor_feeding", "assoc:lethargy", "hypothermia"]}, _E),
    F("RF10", "fever", ("2", "51"), "fever", _E),
    F("RF11", "abnormal neurological examination", ("3", "8"), "neuro_abnormal", _C),
    F("RF12", "developmental regression", ("31",), "regression", _C),
    F("RF13", "clusters of spasm-like or brief jerks while awake", ("31", "32"),
      {"any": ["spasm_cluster", "jerk_cluster_awake"]}, _E),
    F("RF17", "tetany or stridor", ("22", "24"), "clinical_tetany", _E),
    F("RF18", "glucose below 40 mg/dL (2.2 mmol/L)", ("19",), "glucose_critical", _C),
    F("RF19", "glucose below the age-specific goal", ("20",), "glucose_below_goal", _C),
    F("RF20", "low glucose persisting beyond 48 hours", ("20",), "glucose_low_persistent", _C),
    F("RF21", "low calcium or magnesium", ("24", "29"), "calcium_or_magnesium_low", _C),
    F("RF22", "abnormal EEG", ("31", "37"), "eeg_abnormal", _C),
    F("RF23", "exaggerated startle with stiffness (possible hyperekplexia)", ("18",),
      "suspected_hyperekplexia", _C),
    F("RF24", "bulging fontanelle", ("51", "52"), "fontanelle_bulging", _C),
    F("RF25", "a high-pitched cry", ("20", "52"), "assoc:high_pitched_cry", _E),
    F("RF26", "mouth automatisms, pedalling or boxing movements", ("2", "9"),
      {"any": ["oral_automatisms", "subtle_seizure_neonate"]}, _E),
    F("RF27", "breathing difficulty", ("51",), "assoc:respiratory_difficulty", _E),
    F("RF28", "sodium out of range (above 150 or below 130 mmol/L)", (),
      {"any": ["sodium_high", "sodium_low"]}, _C),
    F("RF29", "skin signs or family history of tuberous sclerosis with jerks or spasms",
      ("56",), {"all": ["tsc_context", "jerks_or_one_sided"]}, _E),
    F("RF30", "head too small or growing fast", ("47",), "head_abnormal", _C),
    F("RF31", "clonic jerks in sleep that do not stop on waking", ("2", "13"),
      "sleep_clonic_unresolved", _E),
    F("RF32", "jaundice with lethargy, a high-pitched cry or arching in a neonate", (),
      {"all": ["maybe_neonate", "assoc:jaundice",
               {"any": ["assoc:lethargy", "assoc:high_pitched_cry",
                        "assoc:arching_or_opisthotonus"]}]}, _E),
)  # fmt: skip
# Red flags about results: a result outside every window, or superseded, is history.
RESULT_RED_FLAGS = {
    "glucose": ("critical", "RF18"),
    "glucose_low": ("low", "RF19"),
    "total_calcium": ("low", "RF21"),
    "ionized_calcium": ("low", "RF21"),
    "magnesium": ("low", "RF21"),
    "sodium": ("out_of_range", "RF28"),
}

_SEIZURE_WORKUP = {"any": ["any:seizure_signs", "eeg_electrographic", "rule:E1", "rule:E2",
                           "rule:E3", "rule:S12"]}  # fmt: skip
_NOT_BENIGN_AFTER_EEG = "!benign_pattern_confirmed"
X = TestRecommendation
TESTS = (
    X("glucose", {"any": ["glucose_needed", _SEIZURE_WORKUP, "rule:S6"]}),
    X("glucose", {"any": ["glucose_low", "glucose_low_persistent"]}, repeat=True),
    X("total_calcium", {"any": ["calcium_needed", _SEIZURE_WORKUP]}),
    X("ionized_calcium", {"any": ["calcium_needed", _SEIZURE_WORKUP]}),
    X("magnesium", {"any": ["calcium_needed", _SEIZURE_WORKUP, "calcium_or_magnesium_low"]}),
    X("phosphate", "calcium_or_magnesium_low"),
    X("pth", "calcium_or_magnesium_low"),
    X("vitamin_d_25oh", "calcium_or_magnesium_low"),
    X("alkaline_phosphatase", "calcium_or_magnesium_low"),
    X("critical_sample", {"any": ["glucose_low_persistent", "rule:S6", "rule:S14",
                                  "glucose_low_after_48h"]}),
    X("electrolytes", {"any": ["neonate_unwell", "sodium_high", "sodium_low",
                               {"all": ["any_seizure_pattern", "any:maybe_neonate"]}]}),
    X("bilirubin", {"any": ["neonate_unwell", "bilirubin_signs"]}),
    X("infection_workup", {"any": ["rule:E6", "rule:S13"]}),
    X("eeg", {"any": ["any:asleep_focal", "suspected_hyperekplexia", "rule:S19"]}),
    X("video_eeg", {"all": [{"any": [_SEIZURE_WORKUP, "any:spasm_cluster",
                                     "any:jerk_cluster_awake", "any:spasm", "regression",
                                     "rule:S10", "rule:S11", "rule:E8"]},
                            "!all_covered"]}),
    X("video_eeg", "uncovered_after_recording", repeat=True),
    X("video_eeg", {"all": [{"any": ["rule:S7", "any:shuddering", "any:awake_myoclonic"]},
                            "!all_covered"]}),
    X("mri_brain", {"all": [_NOT_BENIGN_AFTER_EEG,
                            {"any": [{"all": [_SEIZURE_WORKUP, "any:maybe_neonate"]},
                                     {"all": [_SEIZURE_WORKUP, "any:focal"]},
                                     "rule:E8", "any:spasm_cluster", "any:jerk_cluster_awake",
                                     "regression", "rule:S10", "neuro_abnormal",
                                     "head_abnormal"]}]}),
    X("cranial_ultrasound", {"all": [{"any": ["fontanelle_bulging", "head_rapid",
                                              {"all": [_SEIZURE_WORKUP, "any:maybe_neonate",
                                                       "preterm"]}]}]}),
)  # fmt: skip

Q = Question
QUESTIONS = (
    Q("describe_episode", "Describe at least one episode: what the legs did, what the baby was"
      " doing, and what happened just before.", "!has_episodes"),
    Q("age", "How old is the baby (date of birth, or age in days)?", "age_unknown"),
    Q("state", "Was the baby awake, feeding, falling asleep or asleep when the shaking"
      " happened?", "all:state_unknown"),
    Q("hold_leg", "Hold the leg gently during the next episode: does the shaking stop?",
      {"all": ["any:restraint_question", "!any:restraint_answered"]}),
    Q("woken_during_episode", "Was the baby woken during an episode? Did the movements stop?",
      {"all": ["any:asleep_waking_unknown", "!any:waking_answered"]}),
    Q("video", "Record a video of the next episode, from the start, with the whole body and"
      " face in view.", {"all": ["has_episodes", "!any:video"]}),
    Q("movement", "What did the movement look like: fine trembling, big rhythmic jerks,"
      " stiffening, a startle, or a sudden bending of the body?", "all:movement_unknown"),
    Q("trigger", "What happened just before: a noise, handling, hunger, cold, waking, or nothing"
      " at all?", "all:trigger_unknown"),
    Q("side", "Were both sides shaking the same, or only one arm or leg?", "all:side_unknown"),
    Q("eyes", "What were the eyes doing during the episode: normal, staring, turned to one side"
      " or rolling up?", "all:eyes_unknown"),
    Q("breathing_colour", "During the episode, did the baby stop breathing, change colour"
      " (blue, grey or pale) or drool?", "all:autonomic_unknown"),
    Q("responsiveness", "Did the baby respond to you normally during the episode?",
      "all:consciousness_unknown"),
    Q("after_episode", "How was the baby just after the episode: back to normal, crying then"
      " settling, unusually sleepy or floppy?", "all:after_unknown"),
    Q("feeding_fever", "Is the baby feeding well? Any fever, unusual sleepiness, floppiness or"
      " stiffness?", "all:associated_unknown"),
    Q("clusters", "Did the movements come in a series, one after another (for example just"
      " after waking)?", "all:clusters_unknown"),
    Q("temperature", "What was the baby's temperature during or after the episode?",
      {"all": ["has_episodes", "all:temperature_unknown", "!any:fever", "!any:hypothermia",
               "any:maybe_young_infant"]}),
    Q("measure_glucose", "Clinician: measure blood glucose now (bedside, then a laboratory"
      " plasma glucose).", {"all": ["glucose_needed", "no_current_glucose"]}),
    Q("measure_calcium", "Clinician: measure total and ionized calcium and magnesium.",
      {"all": ["calcium_needed", "no_current_calcium"]}),
    Q("measure_sodium", "Clinician: measure sodium (high-sodium dehydration is an emergency to"
      " exclude).", {"all": ["neonate_unwell", "no_current_sodium"]}),
    Q("measure_bilirubin", "Clinician: measure bilirubin (acute bilirubin encephalopathy is an"
      " emergency to exclude).", {"all": ["bilirubin_signs", "no_current_bilirubin"]}),
    Q("maternal_diabetes", "Did the mother have diabetes in pregnancy (including gestational"
      " diabetes)?", "maternal_diabetes_unknown"),
    Q("maternal_drugs", "Did the mother take any medicines or drugs in pregnancy (for example"
      " methadone, opioids, sleeping pills or antidepressants)?", "maternal_drugs_unknown"),
    Q("gestation", "At how many weeks of pregnancy was the baby born?", "gestation_unknown"),
    Q("birth_weight", "What did the baby weigh at birth?", "birth_weight_unknown"),
    Q("size_for_gestational_age", "Was the baby small or large for the weeks of pregnancy at"
      " birth?", {"all": ["size_unknown", "jittery", "any:maybe_neonate"]}),
    Q("feeding", "How is the baby fed: breast milk, formula, both, with solids, or another kind"
      " of milk?", "feeding_unknown"),
    Q("development", "Is the baby's development on track (smiling, looking at faces, new"
      " skills)? Any skills lost?", "development_unknown"),
    Q("neuro_exam", "Clinician: examine the baby's muscle tone, reflexes and both sides of the"
      " body.", "neuro_unknown"),
    Q("fontanelle", "Clinician: feel the fontanelle (soft spot): is it bulging?",
      {"all": ["fontanelle_unknown", {"any": ["any:infection_signs", "any:fever"]}]}),
    Q("skin_signs", "Clinician: look for pale patches of skin (with a Wood's lamp) and other"
      " skin signs of tuberous sclerosis.",
      {"all": ["skin_unknown", {"any": ["any:spasm", "any:spasm_cluster",
                                        "any:jerk_cluster_awake", "regression"]}]}),
)  # fmt: skip

# --- Advice (section 0b "Advice"): one short instruction per line, each with a stable code ------
A = AdviceLine
HEADLINES = {
    "emergency": A("emergency.headline", "Call the emergency phone number now."),
    "same_day": A("same_day.headline", "See a doctor today."),
    "routine_visit": A("routine.headline", "Book a visit with your baby's doctor."),
    "reassure_monitor": A("reassure.headline", "This looks like the shaking many healthy"
                          " babies have."),
}  # fmt: skip
EMERGENCY_STEPS = (
    A("emergency.step.call", "Call the emergency phone number now."),
    A("emergency.step.side", "Lay your baby on their side."),
    A("emergency.step.mouth", "Put nothing in the mouth."),
    A("emergency.step.time", "Note the time the shaking started."),
    A("emergency.step.film", "Film it only if someone else is making the call."),
)
FLEXION_STEP = A(
    "step.flexion", "If your baby goes stiff and stops breathing, bend the head and legs in"
    " toward the chest.", ("55",), "suspected_hyperekplexia")  # fmt: skip
LEVEL_STEPS = {
    "same_day": (
        A("same_day.step.call_clinic", "Call the clinic or your baby's doctor now."),
        A("same_day.step.bring_log", "Bring your log and any videos."),
        A("same_day.step.feed", "Keep feeding your baby as usual."),
    ),
    "routine_visit": (
        A("routine.step.log", "Keep writing down each episode."),
        A("routine.step.video", "Film the next episode if you can."),
    ),
    "reassure_monitor": (
        A("reassure.step.common", "This kind of shaking is common in young babies."),
        A("reassure.step.why", "It is usually harmless. The brain is still growing."),
        A("reassure.step.fades", "It often fades as your baby grows."),
        A("reassure.step.video", "Film one episode and keep the log for the next check-up."),
    ),
}  # fmt: skip
# Future warning signs ("see a doctor today if"), each left out when the log already shows it.
WARNING_SIGNS = (
    A("warning.not_stopped_by_holding", "See a doctor today if the shaking does not stop when"
      " you hold the leg.", (), "any:restraint_fails_awake"),
    A("warning.sleepy_after", "See a doctor today if your baby is floppy or hard to wake"
      " after it.", (), "any:sleepy_after"),
    A("warning.feeding", "See a doctor today if your baby feeds poorly.", (),
      "any:assoc:poor_feeding"),
    A("warning.fever", "See a doctor today if your baby has a fever or feels cold.", (),
      {"any": ["any:fever", "any:hypothermia"]}),
    A("warning.series", "See a doctor today if the jerks come in a series, mostly on"
      " waking.", (), {"any": ["any:spasm_cluster", "any:jerk_cluster_awake"]}),
    A("warning.skills", "See a doctor today if your baby stops smiling or loses a skill.", (),
      "regression"),
    A("warning.one_side", "See a doctor today if one side shakes more than the other.", (),
      "any:focal"),
)  # fmt: skip
SIGNS_INTRO = A("signs.intro", "Call the emergency phone number now if your baby:")
EMERGENCY_SIGNS = (
    A("sign.stops_breathing", "Stops breathing", (), "any:apnea"),
    A("sign.blue_or_grey", "Turns blue or grey", (), "any:cyanosis"),
    A("sign.eyes", "Has eyes that are fixed or rolling", (), "any:abnormal_eyes"),
    A("sign.cannot_wake", "Cannot be woken", (), "any:altered"),
    A("sign.long_fit", "Has a fit that lasts over 5 minutes", (), "any:long_event"),
)
WHAT_NEXT = {
    "emergency": A("next.emergency", "The emergency team will check your baby. Show them your"
                   " log and videos."),
    "same_day": A("next.same_day", "The clinic will call you today. If no one calls within 2"
                  " hours, call the clinic."),
    "routine_visit": A("next.routine", "The clinic will call you within 2 working days to book"
                       " a visit."),
    "reassure_monitor": A("next.reassure", "Your baby's doctor will look at the log at the next"
                          " check-up."),
}  # fmt: skip
# An event lasting this long with seizure signs is status epilepticus territory (engine policy).
LONG_EVENT_SECONDS = 300
