"""The infant record's clinical limits and the choices its fields take."""

from django.db import models

TERM_WEEKS = 40
PRETERM_BEFORE_WEEKS = 37
LOW_BIRTH_WEIGHT_G = 2500
VERY_LOW_BIRTH_WEIGHT_G = 1500
NEONATAL_PERIOD_DAYS = 28
# Plausible ranges, enforced by field validators (errors name the field) and by the database.
GESTATION_MIN_WEEKS, GESTATION_MAX_WEEKS = 22, 44
BIRTH_WEIGHT_MIN_G, BIRTH_WEIGHT_MAX_G = 300, 7000


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNDETERMINED = "undetermined", "Undetermined"


class MaternalDiabetes(models.TextChoices):
    NONE = "none", "None"
    GESTATIONAL = "gestational", "Gestational"
    PRE_EXISTING = "pre_existing", "Pre-existing"
    UNKNOWN = "unknown", "Not known"


class Feeding(models.TextChoices):
    BREAST = "breast", "Breast milk"
    FORMULA = "formula", "Formula"
    MIXED = "mixed", "Breast milk and formula"
    BREAST_AND_SOLIDS = "breast_and_solids", "Breast milk and solids"
    FORMULA_AND_SOLIDS = "formula_and_solids", "Formula and solids"
    UNFORTIFIED_MILK_ALTERNATIVE = "unfortified_milk_alternative", "Unfortified milk alternative"


class FamilyHistory(models.TextChoices):
    NEONATAL_SEIZURES = "neonatal_seizures", "Neonatal seizures"
    EPILEPSY = "epilepsy", "Epilepsy"
    STARTLE_DISORDER = "startle_disorder", "Startle disorder (hyperekplexia)"
    TUBEROUS_SCLEROSIS = "tuberous_sclerosis", "Tuberous sclerosis"
    CONSANGUINITY = "consanguinity", "Parents are blood relatives"
    OTHER = "other", "Other neurological condition"


class NeuroExam(models.TextChoices):
    """Findings of the neurological examination; several may be recorded at once."""

    NORMAL = "normal", "Normal"
    HYPERTONIA = "hypertonia", "Increased tone (hypertonia)"
    HYPOTONIA = "hypotonia", "Reduced tone (hypotonia)"
    # Ruleset 1.0.0's single value, kept so records made before the list still mean what they said.
    ABNORMAL_TONE = "abnormal_tone", "Abnormal tone (direction not recorded)"
    FOCAL_DEFICIT = "focal_deficit", "Focal deficit"
    EXAGGERATED_NOSE_TAP_STARTLE = "exaggerated_nose_tap_startle", "Exaggerated nose-tap startle"
    ABNORMAL_OTHER = "abnormal_other", "Other abnormal finding"
    NOT_DONE = "not_done", "Not done"


class MaternalDrug(models.TextChoices):
    OPIOIDS = "opioids", "Opioids"
    METHADONE_OR_BUPRENORPHINE = "methadone_or_buprenorphine", "Methadone or buprenorphine"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    SSRI_SNRI = "ssri_snri", "SSRI or SNRI antidepressants"
    STIMULANTS = "stimulants", "Stimulants (cocaine, amphetamines)"
    ALCOHOL = "alcohol", "Alcohol"
    NICOTINE = "nicotine", "Nicotine"
    OTHER = "other", "Other drug"


class SizeForGestationalAge(models.TextChoices):
    SGA = "sga", "Small for gestational age"
    AGA = "aga", "Appropriate for gestational age"
    LGA = "lga", "Large for gestational age"


class SkinSign(models.TextChoices):
    HYPOMELANOTIC_MACULES = "hypomelanotic_macules", "Pale (hypomelanotic) patches"
    CAFE_AU_LAIT_MACULES = "cafe_au_lait_macules", "Cafe-au-lait patches"
    FACIAL_ANGIOFIBROMAS = "facial_angiofibromas", "Facial angiofibromas"
    PORT_WINE_STAIN = "port_wine_stain", "Port-wine stain"
    OTHER = "other", "Other skin sign"


class Head(models.TextChoices):
    NORMAL = "normal", "Normal size"
    MICROCEPHALY = "microcephaly", "Small head (microcephaly)"
    MACROCEPHALY = "macrocephaly", "Large head (macrocephaly)"
    RAPIDLY_GROWING = "rapidly_growing", "Head growing fast"


class Fontanelle(models.TextChoices):
    NORMAL = "normal", "Normal (soft, flat)"
    BULGING = "bulging", "Bulging"
    SUNKEN = "sunken", "Sunken"


class MedicationDrug(models.TextChoices):
    BENZODIAZEPINE = "benzodiazepine", "Benzodiazepine"
    PHENOBARBITAL = "phenobarbital", "Phenobarbital"
    LEVETIRACETAM = "levetiracetam", "Levetiracetam"
    PHENYTOIN = "phenytoin", "Phenytoin"
    DEXTROSE = "dextrose", "Dextrose"
    CALCIUM = "calcium", "Calcium"
    MAGNESIUM = "magnesium", "Magnesium"
    PYRIDOXINE = "pyridoxine", "Pyridoxine"
    OTHER = "other", "Other"


class MedicationResponse(models.TextChoices):
    STOPPED = "stopped", "Movements stopped"
    REDUCED = "reduced", "Movements reduced"
    NO_CHANGE = "no_change", "No change"
    WORSE = "worse", "Got worse"
    UNKNOWN = "unknown", "Not known"


# The infant's list fields and their vocabularies: the service refuses an unknown code naming the
# field, and PostgreSQL refuses it again (patients migration 0006).
INFANT_LIST_FIELDS = {
    "maternal_drug_exposure": MaternalDrug,
    "skin_signs": SkinSign,
    "neuro_exam": NeuroExam,
    "family_history": FamilyHistory,
}
MEDICATION_FIELDS = {"drug": MedicationDrug, "response": MedicationResponse}


class DevelopmentStatus(models.TextChoices):
    NOT_APPLICABLE_NEONATE = "not_applicable_neonate", "Not applicable (neonate)"
    AGE_APPROPRIATE = "age_appropriate", "Age-appropriate"
    DELAYED = "delayed", "Delayed"
    PLATEAU = "plateau", "Plateau"
    REGRESSION = "regression", "Regression"
