"""Reads of the interoperability app: an infant's whole case as a FHIR R4 Bundle, one module per
group of resources, and the LOINC lookup of the laboratory import. The infant always comes from
`patients.selectors.infants_visible_to` (the API looks it up there before calling these)."""

from interop.selectors.bundle import (
    infant_fhir_bundle,
)
from interop.selectors.orders import (
    lab_spec_for_loinc,
)

__all__ = [
    "infant_fhir_bundle",
    "lab_spec_for_loinc",
]
