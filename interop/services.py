"""Writes of the interoperability app: importing a FHIR R4 transaction Bundle as a new infant with
its prior laboratory results.

The import reads the whole Bundle first (R4B models, then our mapping) and refuses it with every
problem found, each naming its element path; only a Bundle with none is written, in one
transaction, through the patients and work-ups services (so the engine interprets each value and
the infant is re-assessed after commit). A failure while writing rolls everything back.
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from assessments.models import AssessmentTrigger
from assessments.services import assessment_request
from clinics.models import AuditAction, AuditChannel, Clinic, User
from clinics.services import ClientRequest, audit_record
from interop import fhir
from interop.selectors import lab_spec_for_loinc
from patients.models import Infant
from patients.services import infant_register
from workups.models import TEST_CATALOGUE, Priority, Result
from workups.services import order_create, result_record

IMPORTED_STATUSES = ("final", "amended", "corrected", "preliminary")


class FhirImportError(Exception):
    """The Bundle is refused; `issues` become the OperationOutcome, `status` the HTTP status."""

    def __init__(self, issues: list[dict[str, Any]], status: int = 422):
        super().__init__(
            "; ".join(f"{i.get('expression', [''])[0]}: {i['diagnostics']}" for i in issues)
        )
        self.issues = issues
        self.status = status


def _issue(
    path: str, message: str, code: str = "invalid", severity: str = "error"
) -> dict[str, Any]:
    return {"severity": severity, "code": code, "diagnostics": message, "expression": [path]}


@dataclass
class _Lab:
    path: str
    test: str
    value: float
    unit: str
    collected_at: datetime


@dataclass
class _Plan:
    """What a valid Bundle will write."""

    patient_path: str = ""
    patient_full_url: str = ""
    patient_id: str = ""
    infant: dict[str, Any] = field(default_factory=dict[str, Any])
    field_paths: dict[str, Any] = field(default_factory=dict[str, Any])
    labs: list[_Lab] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _codes(concept: dict[str, Any] | None, system: str) -> list[tuple[int, str]]:
    return [
        (index, coding.get("code", ""))
        for index, coding in enumerate((concept or {}).get("coding") or [])
        if coding.get("system") == system and coding.get("code")
    ]


def _categories(resource: dict[str, Any]) -> set[str]:
    return {
        coding.get("code")
        for category in resource.get("category") or []
        for coding in category.get("coding") or []
    }


def _when(value: str | None, path: str, errors: list[dict[str, Any]]) -> datetime | None:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        errors.append(_issue(path, "a date and time with a time zone is needed"))
        return None
    return moment


def _quantity(
    resource: dict[str, Any], path: str, factors: dict[str, float], errors: list[dict[str, Any]]
) -> float | None:
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        errors.append(_issue(f"{path}.valueQuantity", "a valueQuantity with a value is needed"))
        return None
    unit = quantity.get("code") or quantity.get("unit")
    if unit not in factors:
        errors.append(
            _issue(
                f"{path}.valueQuantity.code",
                f"unit {unit!r} not accepted; UCUM units allowed: {', '.join(factors)}",
                code="code-invalid",
            )
        )
        return None
    return float(quantity["value"]) * factors[unit]


def _patient(
    plan: _Plan, resource: dict[str, Any], path: str, clinic: Clinic, errors: list[dict[str, Any]]
) -> None:
    plan.patient_path = path
    identifiers = [i for i in resource.get("identifier") or [] if i.get("value")]
    medical_record = [
        i
        for i in identifiers
        if _codes(i.get("type"), fhir.IDENTIFIER_TYPE)
        and any(code == "MR" for _, code in _codes(i.get("type"), fhir.IDENTIFIER_TYPE))
    ]
    chosen = (medical_record or identifiers or [None])[0]
    if chosen is None:
        errors.append(
            _issue(f"{path}.identifier", "the medical record number (an identifier) is needed")
        )
    else:
        index = (resource.get("identifier") or []).index(chosen)
        plan.infant["mrn"] = chosen["value"][:40]
        plan.field_paths["mrn"] = f"{path}.identifier[{index}].value"
    names = resource.get("name") or []
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
    if not name or not name.get("family") or not name.get("given"):
        errors.append(_issue(f"{path}.name", "a name with given and family parts is needed"))
    else:
        plan.infant["given_name"] = " ".join(name["given"])[:100]
        plan.infant["family_name"] = name["family"][:100]
    gender = resource.get("gender")
    if gender not in fhir.SEX_FOR_GENDER:
        errors.append(_issue(f"{path}.gender", "the infant's sex (gender) is needed"))
    else:
        plan.infant["sex"] = fhir.SEX_FOR_GENDER[gender]
    birth_time = next(
        (
            extension
            for extension in (resource.get("_birthDate") or {}).get("extension") or []
            if extension.get("url") == fhir.BIRTH_TIME_EXTENSION
        ),
        None,
    )
    if birth_time is not None:
        plan.infant["born_at"] = _when(
            birth_time.get("valueDateTime"), f"{path}._birthDate.extension", errors
        )
    elif (born_on := parse_date(resource.get("birthDate") or "")) is not None:
        plan.infant["born_at"] = datetime.combine(born_on, time(0), ZoneInfo(clinic.time_zone))
        plan.skipped.append(
            (f"{path}.birthDate", "no patient-birthTime extension: birth taken as midnight")
        )
    else:
        errors.append(_issue(f"{path}.birthDate", "the date of birth is needed"))
    plan.field_paths.update(born_at=f"{path}.birthDate", sex=f"{path}.gender")
    plan.field_paths.update(given_name=f"{path}.name", family_name=f"{path}.name")
    for extension_index, extension in enumerate(resource.get("extension") or []):
        ext_path = f"{path}.extension[{extension_index}]"
        if extension.get("url") == fhir.BIRTH_WEIGHT_EXTENSION:
            _birth_weight(plan, extension, ext_path, errors)
        elif extension.get("url") == fhir.GESTATIONAL_AGE_EXTENSION:
            _gestation(plan, extension, ext_path, errors)


def _birth_weight(
    plan: _Plan, element: dict[str, Any], path: str, errors: list[dict[str, Any]]
) -> None:
    grams = _quantity(element, path, fhir.WEIGHT_TO_GRAMS, errors)
    if grams is not None:
        plan.infant["birth_weight_g"] = round(grams)
        plan.field_paths["birth_weight_g"] = f"{path}.valueQuantity.value"


def _gestation(
    plan: _Plan, element: dict[str, Any], path: str, errors: list[dict[str, Any]]
) -> None:
    days = _quantity(element, path, fhir.GESTATION_TO_DAYS, errors)
    if days is not None:
        total = round(days)
        plan.infant["gestational_weeks"], plan.infant["gestational_days"] = divmod(total, 7)
        plan.field_paths["gestational_weeks"] = f"{path}.valueQuantity.value"
        plan.field_paths["gestational_days"] = f"{path}.valueQuantity.value"


def _observation(
    plan: _Plan, resource: dict[str, Any], path: str, errors: list[dict[str, Any]]
) -> None:
    loincs = _codes(resource.get("code"), fhir.LOINC)
    codes = {code for _, code in loincs}
    if fhir.LOINC_BIRTH_WEIGHT in codes:
        _birth_weight(plan, resource, path, errors)
        return
    if codes & set(fhir.GESTATION_LOINCS):
        _gestation(plan, resource, path, errors)
        return
    if "survey" in _categories(resource) and not loincs:
        plan.skipped.append((path, "caregiver episode logs are not imported"))
        return
    if resource.get("status") not in IMPORTED_STATUSES:
        plan.skipped.append(
            (path, f"an observation with status {resource.get('status')} is skipped")
        )
        return
    if not loincs:
        errors.append(
            _issue(f"{path}.code.coding", "a laboratory result needs a LOINC code", "code-invalid")
        )
        return
    tests = lab_spec_for_loinc()
    known = [(index, code) for index, code in loincs if code in tests]
    if not known:
        index, code = loincs[0]
        errors.append(
            _issue(
                f"{path}.code.coding[{index}].code",
                f"unknown LOINC code {code!r}; accepted: {', '.join(sorted(tests))}",
                "code-invalid",
            )
        )
        return
    test = tests[known[0][1]]
    engine_units = TEST_CATALOGUE[test].units
    factors = {fhir.ENGINE_UNIT_TO_UCUM[unit]: 1.0 for unit in engine_units}
    quantity = resource.get("valueQuantity") or {}
    value = _quantity(resource, path, factors, errors)
    subject = (resource.get("subject") or {}).get("reference")
    if subject and subject not in (plan.patient_full_url, f"Patient/{plan.patient_id}"):
        errors.append(_issue(f"{path}.subject", "the result is about another patient"))
    effective = resource.get("effectiveDateTime")
    if effective is None and isinstance(resource.get("effectivePeriod"), dict):
        effective = resource["effectivePeriod"].get("start")
    collected_at = _when(effective, f"{path}.effectiveDateTime", errors)
    if value is not None and collected_at is not None:
        unit = fhir.UCUM_TO_ENGINE_UNIT[quantity.get("code") or quantity["unit"]]
        plan.labs.append(_Lab(path, test, value, unit, collected_at))


def _plan(bundle: object, clinic: Clinic) -> _Plan:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        found = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise FhirImportError(
            [_issue("Bundle.resourceType", f"a Bundle is needed, not {found!r}", "structure")],
            status=400,
        )
    problems = fhir.validation_problems(bundle, "Bundle")
    if problems:
        raise FhirImportError(
            [_issue(path, message, "structure") for path, message in problems], status=400
        )
    if bundle.get("type") != "transaction":
        raise FhirImportError(
            [_issue("Bundle.type", f"a transaction Bundle is needed, not {bundle.get('type')!r}")]
        )
    plan, errors = _Plan(), list[dict[str, Any]]()
    entries = bundle.get("entry") or []
    patients = [
        (index, entry)
        for index, entry in enumerate(entries)
        if (entry.get("resource") or {}).get("resourceType") == "Patient"
    ]
    if len(patients) != 1:
        raise FhirImportError(
            [_issue("Bundle.entry", f"exactly one Patient is needed, found {len(patients)}")]
        )
    index, entry = patients[0]
    plan.patient_full_url = entry.get("fullUrl") or ""
    plan.patient_id = entry["resource"].get("id") or ""
    _patient(plan, entry["resource"], f"Bundle.entry[{index}].resource", clinic, errors)
    for index, entry in enumerate(entries):
        resource = entry.get("resource") or {}
        path = f"Bundle.entry[{index}].resource"
        request = entry.get("request") or {}
        if request.get("method") not in (None, "POST", "PUT"):
            errors.append(_issue(f"Bundle.entry[{index}].request.method", "only POST is imported"))
        if resource.get("resourceType") == "Observation":
            _observation(plan, resource, path, errors)
        elif resource.get("resourceType") != "Patient":
            plan.skipped.append((path, f"{resource.get('resourceType')} is not imported"))
    for name, what, how in (
        (
            "birth_weight_g",
            "the birth weight",
            f"an Observation with LOINC {fhir.LOINC_BIRTH_WEIGHT} in g or kg",
        ),
        (
            "gestational_weeks",
            "the gestational age at birth",
            f"an Observation with LOINC {' or '.join(fhir.GESTATION_LOINCS)} in wk or d",
        ),
    ):
        if name not in plan.infant:
            errors.append(
                _issue(
                    plan.patient_path,
                    f"{what} is needed (the record requires it): send {how}",
                    "required",
                )
            )
    if errors:
        raise FhirImportError(errors)
    return plan


def _refuse(error: ValidationError, paths: dict[str, str], default: str) -> FhirImportError:
    issues = []
    for name, messages in getattr(error, "message_dict", {"": error.messages}).items():
        code = "duplicate" if name == "mrn" and "already" in " ".join(messages) else "invalid"
        issues.append(_issue(paths.get(name, default), " ".join(messages), code))
    status = 409 if any(issue["code"] == "duplicate" for issue in issues) else 422
    return FhirImportError(issues, status=status)


def fhir_bundle_import(
    *, bundle: object, imported_by: User, clinic: Clinic, request: ClientRequest | None = None
) -> tuple[Infant, dict[str, Any]]:
    """Create the infant and its laboratory results from a transaction Bundle, all or nothing.

    Returns the infant and the transaction-response Bundle. Raises FhirImportError (nothing
    written) when the Bundle is not a valid transaction we can map."""
    plan = _plan(bundle, clinic)
    assert isinstance(bundle, dict)  # _plan refuses anything but a transaction Bundle
    with transaction.atomic():
        try:
            infant = infant_register(
                clinic=clinic,
                registered_by=imported_by,
                request=request,
                channel=AuditChannel.API,
                **plan.infant,
            )
        except ValidationError as error:
            raise _refuse(error, plan.field_paths, plan.patient_path) from error
        results: list[Result] = []
        for lab in plan.labs:
            paths = {
                "value": f"{lab.path}.valueQuantity.value",
                "unit": f"{lab.path}.valueQuantity.code",
                "collected_at": f"{lab.path}.effectiveDateTime",
            }
            try:
                order = order_create(
                    infant=infant,
                    test=lab.test,
                    priority=Priority.ROUTINE,
                    ordered_by=imported_by,
                    reason_text="Result imported from another system (FHIR).",
                    channel=AuditChannel.API,
                    request=request,
                )
                results.append(
                    result_record(
                        order=order,
                        recorded_by=imported_by,
                        collected_at=lab.collected_at,
                        value=lab.value,
                        unit=lab.unit,
                        report_text="Imported from another system (FHIR).",
                        channel=AuditChannel.API,
                        request=request,
                    )
                )
            except ValidationError as error:
                raise _refuse(error, paths, lab.path) from error
        audit_record(
            actor=imported_by,
            action=AuditAction.CREATE,
            resource="fhir_import",
            channel=AuditChannel.API,
            clinic=clinic,
            infant_uuid=infant.uuid,
            object_uuid=infant.uuid,
            request=request,
            detail={
                "bundle_id": str(bundle.get("id") or ""),
                "results": len(results),
                "skipped": len(plan.skipped),
            },
        )
        # Each result already asks for it; an infant imported without results is assessed too.
        if not results:
            assessment_request(
                infant=infant,
                trigger=AssessmentTrigger.CLINICIAN_REQUEST,
                requested_by=imported_by,
            )
    return infant, _transaction_response(bundle, plan, infant, results)


def _transaction_response(
    bundle: dict[str, Any], plan: _Plan, infant: Infant, results: list[Result]
) -> dict[str, Any]:
    created = {plan.patient_path: f"Patient/{infant.uuid}"}
    result_for_path = dict(zip((lab.path for lab in plan.labs), results, strict=True))
    created.update({path: f"Observation/{result.uuid}" for path, result in result_for_path.items()})
    skipped = dict(plan.skipped)
    entries: list[dict[str, Any]] = []
    for index, _ in enumerate(bundle.get("entry") or []):
        path = f"Bundle.entry[{index}].resource"
        if path in created:
            entries.append({"response": {"status": "201 Created", "location": created[path]}})
            continue
        note = skipped.get(path, "read into the Patient (birth history)")
        entries.append(
            {
                "response": {
                    "status": "200 OK",
                    "outcome": fhir.operation_outcome(
                        [{"severity": "information", "code": "informational", "diagnostics": note}]
                    ),
                }
            }
        )
    return {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}
