"""The differentiation engine: pure Python, no Django (CLINICAL_CRITERIA.md, "Engine contract"
and section 0b).

Public API:

- ``score(case, ruleset=LATEST_RULESET_VERSION) -> dict``: leading cause, triage with the rules
  that fired, differential, red flags, recommended tests, missing information and caregiver
  advice. ``ruleset`` is a version string (``"1.0.0"``, ``"2.0.0"``) or a ``Ruleset``; each
  version returns its own result shape (2.0.0: ``ENGINE_2_RESULT.md``).
- ``load_ruleset(version) -> Ruleset``, ``RULESETS``, ``LATEST_RULESET_VERSION``.
- ``interpret_lab(test, value, unit, *, age_hours, gestational_weeks, birth_weight_g, ruleset)``
  and ``lab_thresholds(test, *, age_hours, gestational_weeks, birth_weight_g)`` (section 4).
- ``CaseError``: raised for anything the engine will not guess about.
- ``RULESET_VERSION``, ``RULESET_DIGEST``, ``RULESET``, ``CAUSES``: ruleset 1.0.0, the version
  the web app stores until it moves to 2.0.0. ``TRIAGE_LEVELS``, ``FLAGS``.
- ``vocabulary``: the controlled vocabularies, ``VOCABULARIES`` (1.0.0) and ``VOCABULARIES_2``.
"""

from . import vocabulary
from .errors import CaseError
from .labs import FLAGS, interpret_lab, lab_thresholds
from .model import Ruleset
from .ruleset import CAUSES, RULESET, RULESET_DIGEST, RULESET_VERSION
from .rulesets import LATEST_RULESET_VERSION, RULESETS, load_ruleset, score
from .scoring import TRIAGE_LEVELS

__all__ = [
    "CAUSES",
    "FLAGS",
    "LATEST_RULESET_VERSION",
    "RULESET",
    "RULESETS",
    "RULESET_DIGEST",
    "RULESET_VERSION",
    "TRIAGE_LEVELS",
    "CaseError",
    "Ruleset",
    "interpret_lab",
    "lab_thresholds",
    "load_ruleset",
    "score",
    "vocabulary",
]
