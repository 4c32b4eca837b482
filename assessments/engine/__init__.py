"""The differentiation engine: pure Python, no Django (CLINICAL_CRITERIA.md, "Engine contract").

Public API:

- ``score(case) -> dict``: leading cause, triage with the rules that fired, differential, red flags,
  recommended tests, missing information and caregiver advice.
- ``interpret_lab(test, value, unit, *, age_hours, gestational_weeks, birth_weight_g) -> dict`` and
  ``lab_thresholds(test, *, age_hours, gestational_weeks, birth_weight_g) -> dict`` (section 4).
- ``CaseError``: raised for anything the engine will not guess about.
- ``RULESET_VERSION``, ``RULESET_DIGEST``, ``RULESET``, ``CAUSES``, ``TRIAGE_LEVELS``, ``FLAGS``.
- ``vocabulary``: the controlled vocabularies, ``VOCABULARIES`` keyed by field name.
"""

from . import vocabulary
from .errors import CaseError
from .labs import FLAGS, interpret_lab, lab_thresholds
from .ruleset import CAUSES, RULESET, RULESET_DIGEST, RULESET_VERSION
from .scoring import TRIAGE_LEVELS, score

__all__ = [
    "CAUSES",
    "FLAGS",
    "RULESET",
    "RULESET_DIGEST",
    "RULESET_VERSION",
    "TRIAGE_LEVELS",
    "CaseError",
    "interpret_lab",
    "lab_thresholds",
    "score",
    "vocabulary",
]
