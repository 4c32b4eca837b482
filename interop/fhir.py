"""The FHIR R4 vocabulary of the export and import: code systems, the maps between our codes and
the standard ones, and small pure helpers. Resources are validated with `fhir.resources.R4B`,
whose R4B models are a superset of R4 for every resource used here.

Standard systems: LOINC (laboratory codes, birth weight, gestational age), UCUM (units),
HL7 terminology (observation category, v3-RoleCode, v3-ObservationInterpretation, v2-0203
identifier type, v2-0074 diagnostic service section, media type). Our own codes live under
`LOCAL_BASE`, one CodeSystem per vocabulary, named after the field.
"""

from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as PydanticValidationError

LOCAL_BASE = "https://tremor-clinic.example/fhir"
LOCAL_CODE_SYSTEM = f"{LOCAL_BASE}/CodeSystem"
EPISODE_FEATURE_SYSTEM = f"{LOCAL_CODE_SYSTEM}/episode-feature"
ORDERED_TEST_SYSTEM = f"{LOCAL_CODE_SYSTEM}/ordered-test"
STUDY_INTERPRETATION_SYSTEM = f"{LOCAL_CODE_SYSTEM}/study-interpretation"
CAUSE_SYSTEM = f"{LOCAL_CODE_SYSTEM}/cause"
TRIAGE_SYSTEM = f"{LOCAL_CODE_SYSTEM}/triage"
SUPPORT_SYSTEM = f"{LOCAL_CODE_SYSTEM}/support"
RULESET_SYSTEM = f"{LOCAL_CODE_SYSTEM}/ruleset"
FOLLOW_UP_SYSTEM = f"{LOCAL_CODE_SYSTEM}/follow-up-kind"
RULESET_DIGEST_EXTENSION = f"{LOCAL_BASE}/StructureDefinition/ruleset-digest"
TRIAGE_EXTENSION = f"{LOCAL_BASE}/StructureDefinition/triage"
BIRTH_WEIGHT_EXTENSION = f"{LOCAL_BASE}/StructureDefinition/birth-weight"
GESTATIONAL_AGE_EXTENSION = f"{LOCAL_BASE}/StructureDefinition/gestational-age"


def mrn_system(clinic_slug: str) -> str:
    """Medical record numbers are unique within a clinic, so the system names the clinic."""
    return f"{LOCAL_BASE}/clinic/{clinic_slug}/mrn"


def feature_system(field: str) -> str:
    """The CodeSystem of one episode feature's answers (`.../episode-feature/movement_type`)."""
    return f"{EPISODE_FEATURE_SYSTEM}/{field}"


LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
DIAGNOSTIC_SECTION = "http://terminology.hl7.org/CodeSystem/v2-0074"
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
BIRTH_TIME_EXTENSION = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"

# LOINC terms of the birth history (loinc.org): 8339-4 Birth weight Measured; 76516-4 Gestational
# age at birth; 11884-4 Gestational age Estimated (accepted on import).
LOINC_BIRTH_WEIGHT = "8339-4"
LOINC_GESTATION_AT_BIRTH = "76516-4"
LOINC_GESTATION_ESTIMATED = "11884-4"
GESTATION_LOINCS = (LOINC_GESTATION_AT_BIRTH, LOINC_GESTATION_ESTIMATED)

# Our units are written as UCUM codes already; the map is the import's whitelist (UCUM code ->
# engine unit). Anything else is refused naming the units the test accepts.
UCUM_TO_ENGINE_UNIT = {
    "mg/dL": "mg/dL",
    "mmol/L": "mmol/L",
    "pg/mL": "pg/mL",
    "ng/mL": "ng/mL",
    "nmol/L": "nmol/L",
    "U/L": "U/L",
    "umol/L": "umol/L",
}
ENGINE_UNIT_TO_UCUM = {engine: ucum for ucum, engine in UCUM_TO_ENGINE_UNIT.items()}
# Birth weight and gestational age: accepted UCUM units and the factor to grams / days.
WEIGHT_TO_GRAMS = {"g": 1.0, "kg": 1000.0}
GESTATION_TO_DAYS = {"d": 1.0, "wk": 7.0}

RELATIONSHIP_ROLE = {
    "mother": ("MTH", "mother"),
    "father": ("FTH", "father"),
    "guardian": ("GUARD", "guardian"),
    "other": ("FAMMEMB", "family member"),
}

GENDER_FOR_SEX = {"female": "female", "male": "male", "undetermined": "unknown"}
SEX_FOR_GENDER = {
    "female": "female",
    "male": "male",
    "unknown": "undetermined",
    "other": "undetermined",
}

# v3-ObservationInterpretation for the engine's flags; a critical value is LL or HH by the side
# of the threshold it crossed.
INTERPRETATION_FOR_FLAG = {
    "normal": ("N", "Normal"),
    "low": ("L", "Low"),
    "high": ("H", "High"),
}
CRITICAL_LOW, CRITICAL_HIGH = ("LL", "Critical low"), ("HH", "Critical high")

ORDER_STATUS = {
    "ordered": "active",
    "scheduled": "active",
    "collected": "active",
    "performed": "active",
    "resulted": "completed",
    "reviewed": "completed",
    "cancelled": "revoked",
}
REFERRAL_STATUS = {
    "proposed": "draft",
    "awaiting_booking": "active",
    "booked": "active",
    "escalated": "active",
    "emergency_department": "completed",
    "closed": "completed",
}
REFERRAL_PRIORITY = {
    "emergency": "stat",
    "same_day": "asap",
    "urgent": "urgent",
    "routine": "routine",
}
APPOINTMENT_STATUS = {
    "booked": "booked",
    "attended": "fulfilled",
    "no_show": "noshow",
    "cancelled": "cancelled",
}
TASK_STATUS = {"open": "requested", "done": "completed", "cancelled": "cancelled"}
STUDY_SECTION = {
    "eeg": ("EN", "Electroneuro (EEG, EMG, EP, PSG)"),
    "video_eeg": ("EN", "Electroneuro (EEG, EMG, EP, PSG)"),
    "mri_brain": ("RAD", "Radiology"),
    "cranial_ultrasound": ("RUS", "Radiology ultrasound"),
    "critical_sample": ("LAB", "Laboratory"),
    "infection_workup": ("MB", "Microbiology"),
}


def coding(system: str, code: str, display: str = "") -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(system: str, code: str, display: str = "", text: str = "") -> dict:
    result: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text or display:
        result["text"] = text or display
    return result


def urn(uuid) -> str:
    return f"urn:uuid:{uuid}"


def element_path(loc: tuple, root: str) -> str:
    """`('entry', 0, 'resource', 'valueQuantity')` -> `Bundle.entry[0].resource.valueQuantity`."""
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}"
    return path


def validation_problems(resource: dict, root: str) -> list[tuple[str, str]]:
    """Validate one resource with the R4B models; each problem as (element path, message)."""
    resource_type = resource.get("resourceType") if isinstance(resource, dict) else None
    if not isinstance(resource_type, str):
        return [(root, "not a FHIR resource: resourceType is missing")]
    try:
        model = get_fhir_model_class(resource_type)
    except (ValueError, KeyError):
        return [(f"{root}.resourceType", f"unknown resource type {resource_type!r}")]
    try:
        model.model_validate(resource)
    except PydanticValidationError as error:
        return [(element_path(tuple(item["loc"]), root), item["msg"]) for item in error.errors()]
    return []


def operation_outcome(issues: list[dict]) -> dict:
    """`issues`: dicts with severity, code, diagnostics and optionally expression (paths)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": issue.get("severity", "error"),
                "code": issue.get("code", "invalid"),
                **({"diagnostics": issue["diagnostics"]} if issue.get("diagnostics") else {}),
                **({"expression": issue["expression"]} if issue.get("expression") else {}),
            }
            for issue in issues
        ],
    }


def bundle_as_transaction(bundle: dict) -> dict:
    """An exported Bundle made into a transaction for another system: each entry is POSTed."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": entry.get("fullUrl"),
                "resource": entry["resource"],
                "request": {"method": "POST", "url": entry["resource"]["resourceType"]},
            }
            for entry in bundle.get("entry", [])
        ],
    }
