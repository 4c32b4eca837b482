"""The released rulesets, typed and compiled once: ``load_ruleset(version)``, ``RULESETS``.

Ruleset 1.0.0 keeps its data exactly as released (``ruleset.py``, whose canonical JSON is the
pinned digest) and its scorer (``scoring.py``); its entries are also exposed as the same typed
records as 2.0.0's. Ruleset 2.0.0 is written as typed records (``ruleset_2_0_0.py``), compiled
once (``compiled_2.py``) and scored by ``scoring_2.py`` (facts and held entries), whose outcome
(differential, red flags, triage, advice) is ``outcome_2.py``. Stored assessments name their
version, so each is re-scored by its own.
"""

from typing import Any

from . import compiled_2, scoring_2
from . import ruleset as data_1
from . import ruleset_2_0_0 as data_2
from . import scoring as scoring_1
from .errors import CaseError
from .model import (
    AdviceLine,
    Criterion,
    Question,
    RedFlag,
    Rule,
    Ruleset,
    TestRecommendation,
    Threshold,
)


def _ruleset_1() -> Ruleset:
    labs = data_1.LABS
    return Ruleset(
        version=data_1.RULESET_VERSION,
        digest=data_1.RULESET_DIGEST,
        data=data_1.RULESET,
        scorer=scoring_1.score,
        criteria=tuple(
            Criterion(c["id"], c["cause"], c["direction"], c["weight"], c["text"],
                      tuple(c["sources"]), c["when"])
            for c in data_1.CRITERIA
        ),
        rules=tuple(
            Rule(r["id"], r.get("level", "routine_visit"), r["text"], tuple(r["sources"]),
                 r["when"])
            for r in (*data_1.TRIAGE_RULES, data_1.OVERRIDE, data_1.REASSURE)
        ),
        red_flags=tuple(
            RedFlag(fid, text, tuple(sources), when)
            for fid, text, sources, when in data_1.RED_FLAGS
        ),
        tests=tuple(
            TestRecommendation(test, when, repeat) for test, when, repeat in
            data_1.RECOMMENDED_TESTS
        ),
        questions=tuple(Question(qid, text, when) for qid, when, text in
                        data_1.MISSING_INFORMATION),
        thresholds=tuple(
            Threshold(t["id"], test, t["flag"], t["comparison"],
                      t["values"][lab["canonical_unit"]], lab["canonical_unit"], t["rule"],
                      tuple(t["sources"]), tuple(t.get("hours", (None, None))),
                      t.get("population", ""), t.get("category", ""))
            for test, lab in labs.items()
            for t in lab["thresholds"]
        ),
        advice=tuple(
            AdviceLine(f"advice.{level}", text) for level, text in data_1.CAREGIVER_ADVICE.items()
        ),
        causes=tuple(data_1.CAUSES),
    )  # fmt: skip


def _ruleset_2() -> Ruleset:
    advice = (
        *data_2.HEADLINES.values(),
        *data_2.EMERGENCY_STEPS,
        data_2.FLEXION_STEP,
        *(line for lines in data_2.LEVEL_STEPS.values() for line in lines),
        *data_2.WARNING_SIGNS,
        data_2.SIGNS_INTRO,
        *data_2.EMERGENCY_SIGNS,
        *data_2.WHAT_NEXT.values(),
    )
    return Ruleset(
        version=data_2.VERSION,
        digest=compiled_2.DIGEST,
        data=compiled_2.DATA,
        scorer=scoring_2.score,
        criteria=data_2.CRITERIA,
        rules=(
            *data_2.RULES,
            data_2.CURRENT_RED_FLAG_RULE,
            data_2.OVERRIDE_RULE,
            data_2.REASSURE_RULE,
            data_2.DEFAULT_RULE,
        ),
        red_flags=data_2.RED_FLAGS,
        tests=data_2.TESTS,
        questions=data_2.QUESTIONS,
        thresholds=data_2.THRESHOLDS,
        advice=advice,
        causes=data_2.CAUSES,
    )


RULESETS: dict[str, Ruleset] = {
    ruleset.version: ruleset for ruleset in (_ruleset_1(), _ruleset_2())
}
LATEST_RULESET_VERSION = "2.0.0"


def load_ruleset(version: object) -> Ruleset:
    """The released ruleset of that version (a ``Ruleset`` is returned as it is)."""
    if isinstance(version, Ruleset):
        return version
    ruleset = RULESETS.get(version) if isinstance(version, str) else None
    if ruleset is None:
        raise CaseError("ruleset", f"unknown ruleset version {version!r}", tuple(RULESETS))
    return ruleset


def score(case: object, ruleset: "str | Ruleset" = LATEST_RULESET_VERSION) -> dict[str, Any]:
    """Score one case with a released ruleset (a version string or a ``Ruleset``)."""
    return load_ruleset(ruleset).scorer(case)
