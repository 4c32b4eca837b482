"""Controlled vocabularies shared by the engine and the database (CLINICAL_CRITERIA.md section 1).

Each vocabulary is a tuple of ``(code, plain-language label)`` pairs. The Django apps build their
``TextChoices`` from these tuples, so a code accepted by a form is always a code the engine knows.
Codes are exactly those of the criteria file; labels are written for caregivers.
"""

from dataclasses import dataclass

Vocabulary = tuple[tuple[str, str], ...]

STATE: Vocabulary = (
    ("awake_calm", "Awake and calm"),
    ("awake_crying_or_handled", "Awake, crying or being handled"),
    ("feeding", "Feeding"),
    ("drowsy_falling_asleep", "Drowsy or falling asleep"),
    ("asleep", "Asleep"),
    ("on_waking", "Just waking up"),
)

TRIGGER: Vocabulary = (
    ("none", "Nothing obvious"),
    ("handling_or_touch", "Being handled or touched"),
    ("sudden_noise_or_movement", "A sudden noise or movement"),
    ("crying_or_hunger", "Crying or hunger"),
    ("undressing_or_cold", "Undressing or feeling cold"),
    ("feeding", "Feeding"),
    ("rocking", "Rocking"),
    ("waking", "Waking up"),
    ("excitement", "Excitement"),
)

MOVEMENT_TYPE: Vocabulary = (
    ("fine_tremor", "Fine, fast trembling"),
    ("coarse_tremor", "Large, slower trembling"),
    ("startle_moro", "A startle (arms fling out, then come back)"),
    ("myoclonic_jerks", "Quick jerks"),
    ("rhythmic_clonic_jerks", "Rhythmic jerking"),
    ("tonic_stiffening", "Stiffening"),
    ("spasm_like_flexion_extension", "Sudden bending or straightening of the body"),
    ("shuddering", "Shuddering or shivering"),
    ("unspecified_jerking", "Jerking, type unclear"),
)

OSCILLATION: Vocabulary = (
    ("equal", "Even back-and-forth (tremor)"),
    ("fast_slow", "A fast then a slow phase (clonic)"),
    ("repetitive_brief_jerks", "Repeated brief jerks"),
    ("single", "A single movement"),
    ("spasm_1_2s", "A spasm lasting 1 to 2 seconds"),
    ("sustained", "Sustained"),
)

DISTRIBUTION: Vocabulary = (
    ("one_leg", "One leg"),
    ("one_side_arm_leg", "Arm and leg on one side"),
    ("both_legs", "Both legs"),
    ("all_limbs", "All arms and legs"),
    ("chin_and_limbs", "Chin and limbs"),
    ("head_neck_trunk_limbs", "Head, neck, body and limbs"),
    ("neck_shoulders_arms", "Neck, shoulders and arms"),
)

SYMMETRY: Vocabulary = (
    ("symmetric", "Both sides the same"),
    ("asymmetric", "One side more than the other"),
    ("unilateral", "One side only"),
)

STOPS_WITH_GENTLE_RESTRAINT: Vocabulary = (
    ("yes", "Yes, it stopped"),
    ("partially", "It partly stopped"),
    ("no", "No, it went on"),
    ("worsens", "It got worse"),
    ("not_tried", "Not tried"),
)

STOPS_ON_WAKING: Vocabulary = (
    ("yes", "Yes, it stopped"),
    ("no", "No, it went on"),
    ("not_observed", "Not seen"),
    ("na", "Does not apply (baby was awake)"),
)

YES_NO_UNKNOWN: Vocabulary = (
    ("yes", "Yes"),
    ("no", "No"),
    ("unknown", "Not sure"),
)
STIMULUS_SENSITIVE: Vocabulary = YES_NO_UNKNOWN
CLUSTERS: Vocabulary = YES_NO_UNKNOWN

EYE_SIGNS: Vocabulary = (
    ("none", "Eyes looked normal"),
    ("deviation", "Eyes turned to one side"),
    ("staring", "Staring"),
    ("nystagmoid", "Eyes jerking"),
    ("upward_rolling", "Eyes rolling up"),
    ("eyes_widen", "Eyes opened wide"),
)

AUTONOMIC: Vocabulary = (
    ("apnea", "Stopped breathing"),
    ("cyanosis_or_color_change", "Turned blue, grey or pale"),
    ("heart_rate_change", "Heart rate changed"),
    ("drooling", "Drooling"),
)

CONSCIOUSNESS: Vocabulary = (
    ("alert", "Alert and responsive"),
    ("asleep_unaffected", "Asleep, undisturbed"),
    ("altered", "Not responding normally"),
    ("unclear", "Not sure"),
)

AFTER_EVENT: Vocabulary = (
    ("baseline", "Back to normal straight away"),
    ("cries_then_settles", "Cried, then settled"),
    ("irritable", "Irritable"),
    ("sleepy", "Unusually sleepy"),
    ("floppy", "Floppy"),
)

ASSOCIATED: Vocabulary = (
    ("poor_feeding", "Feeding poorly"),
    ("lethargy", "Unusually sleepy or hard to wake"),
    ("irritability", "Irritable"),
    ("hypotonia", "Floppy"),
    ("generalized_stiffness", "Stiff all over"),
    ("fever", "Fever"),
    ("hypothermia", "Cold to touch or low temperature"),
    ("sweating", "Sweating"),
    ("twitching", "Twitching"),
    ("carpopedal_spasm", "Hands or feet cramping"),
    ("stridor", "Noisy, high-pitched breathing"),
    ("respiratory_difficulty", "Difficulty breathing"),
    ("failure_to_thrive", "Not gaining weight"),
)

FEEDING: Vocabulary = (
    ("breast", "Breast milk only"),
    ("formula", "Formula only"),
    ("mixed", "Breast milk and formula"),
    ("breast_and_solids", "Breast milk and solid food"),
    ("formula_and_solids", "Formula and solid food"),
    ("unfortified_milk_alternative", "A plant or other milk not made for babies"),
)

DEVELOPMENT: Vocabulary = (
    ("not_applicable_neonate", "Too young to tell (newborn)"),
    ("age_appropriate", "On track for age"),
    ("delayed", "Behind for age"),
    ("plateau", "Stopped making progress"),
    ("regression", "Lost skills (for example stopped smiling)"),
)

NEURO_EXAM: Vocabulary = (
    ("normal", "Normal"),
    ("abnormal_tone", "Abnormal muscle tone"),
    ("focal_deficit", "Weakness or abnormality on one side"),
    ("exaggerated_nose_tap_startle", "Exaggerated startle to nose tapping"),
    ("abnormal_other", "Other abnormal finding"),
    ("not_done", "Not examined"),
)

FAMILY_HISTORY: Vocabulary = (
    ("neonatal_seizures", "Seizures as a newborn"),
    ("epilepsy", "Epilepsy"),
    ("startle_disorder", "A startle disorder"),
    ("other", "Other"),
)

# Not in the section 1 table but named as risk context there ("small or large for gestational age",
# "maternal drugs"); optional, never required for a conclusion other than reassurance.
SIZE_FOR_GESTATIONAL_AGE: Vocabulary = (
    ("small", "Small for gestational age"),
    ("appropriate", "Appropriate for gestational age"),
    ("large", "Large for gestational age"),
)

TEST: Vocabulary = (
    ("glucose", "Blood glucose"),
    ("total_calcium", "Total calcium"),
    ("ionized_calcium", "Ionized calcium"),
    ("magnesium", "Magnesium"),
    ("phosphate", "Phosphate"),
    ("pth", "Parathyroid hormone (PTH)"),
    ("vitamin_d_25oh", "25-hydroxyvitamin D"),
    ("alkaline_phosphatase", "Alkaline phosphatase"),
    ("critical_sample", "Critical sample (insulin, ketones during low glucose)"),
    ("eeg", "EEG"),
    ("video_eeg", "Video-EEG"),
    ("mri_brain", "Brain MRI"),
)

MG_DL_OR_MMOL_L: Vocabulary = (
    ("mg/dL", "milligrams per decilitre"),
    ("mmol/L", "millimoles per litre"),
)

UNITS_BY_TEST: dict[str, Vocabulary] = {
    "glucose": MG_DL_OR_MMOL_L,
    "total_calcium": MG_DL_OR_MMOL_L,
    "ionized_calcium": MG_DL_OR_MMOL_L,
    "magnesium": MG_DL_OR_MMOL_L,
    "phosphate": MG_DL_OR_MMOL_L,
    "pth": (("pg/mL", "picograms per millilitre"),),
    "vitamin_d_25oh": (("ng/mL", "nanograms per millilitre"), ("nmol/L", "nanomoles per litre")),
    "alkaline_phosphatase": (("U/L", "units per litre"),),
}

NUMERIC_TESTS: tuple[str, ...] = tuple(UNITS_BY_TEST)

EEG_INTERPRETATION: Vocabulary = (
    ("normal", "Normal"),
    ("epileptiform", "Epileptiform discharges"),
    ("hypsarrhythmia", "Hypsarrhythmia"),
    ("other_abnormal", "Other abnormality"),
)

MRI_INTERPRETATION: Vocabulary = (
    ("normal", "Normal"),
    ("abnormal", "Abnormal"),
)

GLUCOSE_METHOD: Vocabulary = (
    ("point_of_care", "Bedside (point-of-care) meter"),
    ("laboratory", "Laboratory plasma glucose"),
)

CAUSE: Vocabulary = (
    ("physiological_jitteriness", "Physiological jitteriness (normal newborn trembling)"),
    ("startle_moro", "Startle (Moro) reflex"),
    ("benign_neonatal_sleep_myoclonus", "Benign sleep jerks of the newborn"),
    ("hypocalcemia", "Low calcium"),
    ("hypoglycemia", "Low blood sugar"),
    ("neonatal_or_focal_seizure", "Seizure"),
    ("infantile_spasms", "Infantile spasms"),
    ("benign_nonepileptic_infant_paroxysm", "Benign non-epileptic movements of infancy"),
    ("pathologic_startle_hyperekplexia", "Exaggerated startle disorder (hyperekplexia)"),
)


@dataclass(frozen=True)
class TriageLevel:
    """Everything the product derives from a triage level, in one row: a new level is a new row.

    `rank` orders the levels (the infant's stored `current_triage_rank`); `label` is the staff's
    word and `caregiver_label` the family's; `referral_urgency` and `order_priority` are the codes a
    referral and the recommended orders take (`ReferralUrgency`, `Priority`), and the referral's
    deadline follows from the urgency (`REFERRAL_DEADLINE_HOURS`); `urgent` raises the on-call
    alert when the triage rises to it and has a video asked for a week later; `open_concern`
    keeps the infant on the dashboard and in care; `css_class` is the badge colour
    (static/css/app.css)."""

    code: str
    rank: int
    label: str
    caregiver_label: str
    referral_urgency: str
    order_priority: str
    urgent: bool
    open_concern: bool

    @property
    def css_class(self) -> str:
        return f"triage-{self.code}"


# Lowest to highest; the engine's comparisons rely on this order.
TRIAGE_TABLE: tuple[TriageLevel, ...] = (
    TriageLevel(
        "reassure_monitor", 0, "Reassure and monitor", "Reassure and keep monitoring",
        referral_urgency="routine", order_priority="routine", urgent=False, open_concern=False,
    ),
    TriageLevel(
        "routine_visit", 1, "Routine visit", "Book a routine visit",
        referral_urgency="routine", order_priority="routine", urgent=False, open_concern=True,
    ),
    TriageLevel(
        "same_day", 2, "Same-day review", "See a doctor today",
        referral_urgency="same_day", order_priority="urgent", urgent=True, open_concern=True,
    ),
    TriageLevel(
        "emergency", 3, "Emergency", "Emergency",
        referral_urgency="emergency", order_priority="stat", urgent=True, open_concern=True,
    ),
)  # fmt: skip
TRIAGE_LEVEL: dict[str, TriageLevel] = {level.code: level for level in TRIAGE_TABLE}
TRIAGE: Vocabulary = tuple((level.code, level.caregiver_label) for level in TRIAGE_TABLE)
# The lowest rank that is an open concern (an index range on the infant's stored rank).
OPEN_CONCERN_FROM_RANK = min(level.rank for level in TRIAGE_TABLE if level.open_concern)


def triage_rank(code: str | None) -> int:
    """The level's rank; -1 for no triage (not assessed), below every level."""
    level = TRIAGE_LEVEL.get(code or "")
    return level.rank if level else -1


VOCABULARIES: dict[str, Vocabulary] = {
    "state": STATE,
    "trigger": TRIGGER,
    "movement_type": MOVEMENT_TYPE,
    "oscillation": OSCILLATION,
    "distribution": DISTRIBUTION,
    "symmetry": SYMMETRY,
    "stops_with_gentle_restraint": STOPS_WITH_GENTLE_RESTRAINT,
    "stops_on_waking": STOPS_ON_WAKING,
    "stimulus_sensitive": STIMULUS_SENSITIVE,
    "clusters": CLUSTERS,
    "eye_signs": EYE_SIGNS,
    "autonomic": AUTONOMIC,
    "consciousness": CONSCIOUSNESS,
    "after_event": AFTER_EVENT,
    "associated": ASSOCIATED,
    "feeding": FEEDING,
    "development": DEVELOPMENT,
    "neuro_exam": NEURO_EXAM,
    "family_history": FAMILY_HISTORY,
    "size_for_gestational_age": SIZE_FOR_GESTATIONAL_AGE,
    "test": TEST,
    "eeg_interpretation": EEG_INTERPRETATION,
    "mri_interpretation": MRI_INTERPRETATION,
    "method": GLUCOSE_METHOD,
    "cause": CAUSE,
    "triage": TRIAGE,
}


def codes(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The codes of a vocabulary, in order."""
    return tuple(code for code, _ in vocabulary)


# Contract 2 (CLINICAL_CRITERIA.md section 0b, ruleset 2.0.0). The 1.0.0 vocabularies above stay as
# they are (the database's choices are built from them and ruleset 1.0.0 is replayed against them);
# each ``*_2`` vocabulary extends its 1.0.0 namesake, in the same order, for contract-2 cases.
MATERNAL_DRUG_EXPOSURE_2: Vocabulary = (
    ("opioids", "Opioids (for example morphine, heroin, oxycodone)"),
    ("methadone_or_buprenorphine", "Methadone or buprenorphine"),
    ("benzodiazepines", "Benzodiazepines"),
    ("ssri_snri", "Antidepressants (SSRI or SNRI)"),
    ("stimulants", "Stimulants (for example cocaine, amphetamines)"),
    ("alcohol", "Alcohol"),
    ("nicotine", "Nicotine"),
    ("other", "Other"),
)

SIZE_FOR_GESTATIONAL_AGE_2: Vocabulary = (
    ("sga", "Small for gestational age"),
    ("aga", "Appropriate for gestational age"),
    ("lga", "Large for gestational age"),
)
# The 1.0.0 words are still accepted and read as the same sizes.
SIZE_FOR_GESTATIONAL_AGE_ALIASES = {"small": "sga", "appropriate": "aga", "large": "lga"}

SKIN_SIGNS_2: Vocabulary = (
    ("hypomelanotic_macules", "Pale patches of skin (ash-leaf spots)"),
    ("cafe_au_lait_macules", "Light brown patches (cafe-au-lait spots)"),
    ("facial_angiofibromas", "Small red bumps on the face (angiofibromas)"),
    ("port_wine_stain", "A port-wine stain"),
    ("other", "Other"),
)

HEAD_2: Vocabulary = (
    ("normal", "Normal size"),
    ("microcephaly", "Small head (microcephaly)"),
    ("macrocephaly", "Large head (macrocephaly)"),
    ("rapidly_growing", "Head growing fast"),
)

FONTANELLE_2: Vocabulary = (
    ("normal", "Normal"),
    ("bulging", "Bulging"),
    ("sunken", "Sunken"),
)

NEURO_EXAM_2: Vocabulary = (
    ("normal", "Normal"),
    ("hypertonia", "Increased muscle tone"),
    ("hypotonia", "Reduced muscle tone"),
    ("focal_deficit", "Weakness or abnormality on one side"),
    ("exaggerated_nose_tap_startle", "Exaggerated startle to nose tapping"),
    ("abnormal_other", "Other abnormal finding"),
    ("not_done", "Not examined"),
)
# The 1.0.0 single value, still accepted: tone abnormal, direction unknown.
NEURO_EXAM_ABNORMAL_TONE = "abnormal_tone"

FAMILY_HISTORY_2: Vocabulary = (
    *FAMILY_HISTORY[:-1],
    ("tuberous_sclerosis", "Tuberous sclerosis"),
    ("consanguinity", "Parents related by blood"),
    FAMILY_HISTORY[-1],
)

MEDICATION_DRUG_2: Vocabulary = (
    ("benzodiazepine", "Benzodiazepine (for example lorazepam, midazolam)"),
    ("phenobarbital", "Phenobarbital"),
    ("levetiracetam", "Levetiracetam"),
    ("phenytoin", "Phenytoin or fosphenytoin"),
    ("dextrose", "Glucose (dextrose)"),
    ("calcium", "Calcium"),
    ("magnesium", "Magnesium"),
    ("pyridoxine", "Pyridoxine (vitamin B6)"),
    ("other", "Other"),
)

MEDICATION_RESPONSE_2: Vocabulary = (
    ("stopped", "The movements stopped"),
    ("reduced", "The movements lessened"),
    ("no_change", "No change"),
    ("worse", "The movements got worse"),
    ("unknown", "Not known"),
)

MOVEMENT_TYPE_2: Vocabulary = (
    *MOVEMENT_TYPE,
    ("pedalling_or_boxing", "Cycling or boxing movements"),
    ("oral_automatisms", "Chewing, sucking or lip-smacking movements"),
)

ASSOCIATED_2: Vocabulary = (
    *ASSOCIATED,
    ("high_pitched_cry", "A high-pitched cry"),
    ("vomiting", "Vomiting"),
    ("inconsolable_crying", "Cannot be settled"),
    ("jaundice", "Yellow skin or eyes"),
    ("arching_or_opisthotonus", "Arching of the back and neck"),
)

TEST_2: Vocabulary = (
    *TEST,
    ("sodium", "Sodium"),
    ("bilirubin_total", "Total bilirubin"),
    ("electrolytes", "Electrolytes (sodium, potassium)"),
    ("bilirubin", "Bilirubin"),
    ("infection_workup", "Infection work-up (blood culture, urine, spinal fluid)"),
    ("cranial_ultrasound", "Head ultrasound"),
)

UNITS_BY_TEST_2: dict[str, Vocabulary] = {
    **UNITS_BY_TEST,
    "sodium": (("mmol/L", "millimoles per litre"),),
    "bilirubin_total": (("mg/dL", "milligrams per decilitre"), ("umol/L", "micromoles per litre")),
}
NUMERIC_TESTS_2: tuple[str, ...] = tuple(UNITS_BY_TEST_2)

EEG_INTERPRETATION_2: Vocabulary = (
    ("normal", "Normal"),
    ("electrographic_seizures", "Seizures recorded on the EEG"),
    ("epileptiform", "Epileptiform discharges"),
    ("hypsarrhythmia", "Hypsarrhythmia"),
    ("other_abnormal", "Other abnormality"),
)

STUDY_INTERPRETATION_2: Vocabulary = (
    ("normal", "Normal"),
    ("abnormal", "Abnormal"),
)

CAUSE_2: Vocabulary = (
    *CAUSE,
    ("infection_sepsis_meningitis", "Infection (sepsis or meningitis)"),
    ("drug_exposure_or_withdrawal", "Drug exposure or withdrawal"),
)

SUPPORT_2: Vocabulary = (
    ("strong", "Strong support"),
    ("moderate", "Moderate support"),
    ("weak", "Weak support"),
    ("none", "No support"),
)

VOCABULARIES_2: dict[str, Vocabulary] = {
    **VOCABULARIES,
    "movement_type": MOVEMENT_TYPE_2,
    "associated": ASSOCIATED_2,
    "neuro_exam": NEURO_EXAM_2,
    "family_history": FAMILY_HISTORY_2,
    "size_for_gestational_age": SIZE_FOR_GESTATIONAL_AGE_2,
    "maternal_drug_exposure": MATERNAL_DRUG_EXPOSURE_2,
    "skin_signs": SKIN_SIGNS_2,
    "head": HEAD_2,
    "fontanelle": FONTANELLE_2,
    "medication_drug": MEDICATION_DRUG_2,
    "medication_response": MEDICATION_RESPONSE_2,
    "test": TEST_2,
    "eeg_interpretation": EEG_INTERPRETATION_2,
    "study_interpretation": STUDY_INTERPRETATION_2,
    "cause": CAUSE_2,
    "support": SUPPORT_2,
}
