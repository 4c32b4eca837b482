"""The Patient, its Organization, the caregivers (RelatedPerson) and the birth history."""

import uuid

from interop import fhir
from interop.selectors.builder import _BundleBuilder, _instant, _ref
from patients.models import Guardianship

# Patient, organisation, caregivers and birth history ---------------------------------------------


def _organization(builder: _BundleBuilder) -> None:
    clinic = builder.infant.clinic
    builder.add(
        clinic.uuid,
        {
            "resourceType": "Organization",
            "identifier": [{"system": f"{fhir.LOCAL_BASE}/clinic", "value": clinic.slug}],
            "active": True,
            "name": clinic.name,
            **({"telecom": [{"system": "phone", "value": clinic.phone}]} if clinic.phone else {}),
        },
    )


def _patient(builder: _BundleBuilder) -> None:
    infant = builder.infant
    builder.add(
        infant.uuid,
        {
            "resourceType": "Patient",
            "identifier": [
                {
                    "use": "usual",
                    "type": fhir.concept(fhir.IDENTIFIER_TYPE, "MR", "Medical record number"),
                    "system": fhir.mrn_system(infant.clinic.slug),
                    "value": infant.mrn,
                }
            ],
            "active": True,
            "name": [
                {
                    "use": "official",
                    "family": infant.family_name,
                    "given": [infant.given_name],
                    "text": infant.full_name,
                }
            ],
            "gender": fhir.GENDER_FOR_SEX[infant.sex],
            "birthDate": infant.born_on.isoformat(),
            "_birthDate": {
                "extension": [
                    {"url": fhir.BIRTH_TIME_EXTENSION, "valueDateTime": _instant(infant.born_at)}
                ]
            },
            "managingOrganization": {
                **_ref(infant.clinic.uuid),
                "display": infant.clinic.name,
            },
        },
        mode="match",
    )
    # The birth history as LOINC observations, so any EHR can read it.
    born = _instant(infant.born_at)
    for suffix, code, display, quantity in (
        (
            "birth-weight",
            fhir.LOINC_BIRTH_WEIGHT,
            "Birth weight Measured",
            {"value": infant.birth_weight_g, "unit": "g", "system": fhir.UCUM, "code": "g"},
        ),
        (
            "gestational-age",
            fhir.LOINC_GESTATION_AT_BIRTH,
            "Gestational age at birth",
            {
                "value": infant.gestation_total_days,
                "unit": "d",
                "system": fhir.UCUM,
                "code": "d",
            },
        ),
    ):
        builder.add(
            uuid.uuid5(infant.uuid, suffix),
            {
                "resourceType": "Observation",
                "status": "final",
                "category": [fhir.concept(fhir.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")],
                "code": fhir.concept(fhir.LOINC, code, display),
                "subject": builder.patient_ref,
                "effectiveDateTime": born,
                "valueQuantity": quantity,
                **(
                    {
                        "note": [
                            {"text": f"{infant.gestational_weeks}+{infant.gestational_days} weeks"}
                        ]
                    }
                    if code == fhir.LOINC_GESTATION_AT_BIRTH
                    else {}
                ),
            },
        )


def _related_people(builder: _BundleBuilder) -> dict[int, uuid.UUID]:
    """Caregivers as RelatedPerson; returns caregiver user id -> resource id (for performers)."""
    by_user: dict[int, uuid.UUID] = {}
    for guardianship in (
        Guardianship.objects.active().filter(infant=builder.infant).select_related("caregiver")
    ):
        caregiver = guardianship.caregiver
        code, display = fhir.RELATIONSHIP_ROLE[guardianship.relationship]
        telecom = [{"system": "email", "value": caregiver.email}]
        if caregiver.phone:
            telecom.append({"system": "phone", "value": caregiver.phone})
        builder.add(
            guardianship.uuid,
            {
                "resourceType": "RelatedPerson",
                "active": True,
                "patient": builder.patient_ref,
                "relationship": [
                    fhir.concept(
                        fhir.ROLE_CODE, code, display, guardianship.get_relationship_display()
                    )
                ],
                "name": [{"text": caregiver.get_full_name()}],
                "telecom": telecom,
                "period": {"start": _instant(guardianship.created_at)},
            },
        )
        by_user[caregiver.pk] = guardianship.uuid
    return by_user
