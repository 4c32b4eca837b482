"""Rulesets are versioned, typed data: both released versions load, each digest is pinned, and
1.0.0 gives exactly the results (and refusals) it gave before rulesets became typed."""

import dataclasses
import json

import pytest

from assessments import engine
from assessments.engine import (
    LATEST_RULESET_VERSION,
    RULESET_DIGEST,
    RULESET_VERSION,
    RULESETS,
    CaseError,
    Ruleset,
    load_ruleset,
    score,
)
from assessments.engine.model import (
    AdviceLine,
    Criterion,
    Question,
    RedFlag,
    Rule,
    Threshold,
    canonical_digest,
)
from tests.assessments.engine.cases import complete_case
from tests.assessments.engine.corpus_v1 import load, outcome

# Changing a released ruleset changes its digest; a new version is released instead.
PINNED_DIGESTS = {
    "1.0.0": "70481de28d47636f069dea52640eca05f39fb24d64e453cce46350184002d17a",
    "2.0.0": "fe00efb8e8acb2888c018fa20cbeee2d463305a022a1a1589d3b61c84f7ec404",
}


@pytest.mark.parametrize("version", sorted(PINNED_DIGESTS))
def test_each_released_ruleset_digest_is_pinned(version):
    ruleset = load_ruleset(version)
    assert ruleset.digest == PINNED_DIGESTS[version]
    assert canonical_digest(ruleset.data) == ruleset.digest
    assert score({}, ruleset=version)["ruleset"] == {"version": version, "digest": ruleset.digest}


def test_both_versions_are_released_and_the_latest_is_2_0_0():
    assert set(RULESETS) == {"1.0.0", "2.0.0"}
    assert LATEST_RULESET_VERSION == "2.0.0"
    assert score({})["ruleset"]["version"] == "2.0.0"
    # The names the web app imports still describe the version it stores today.
    assert ("1.0.0", PINNED_DIGESTS["1.0.0"]) == (RULESET_VERSION, RULESET_DIGEST)


def test_score_accepts_a_ruleset_object_as_well_as_a_version():
    ruleset = load_ruleset("2.0.0")
    assert isinstance(ruleset, Ruleset)
    case = complete_case()
    assert score(case, ruleset=ruleset) == score(case, ruleset="2.0.0") == ruleset.score(case)


@pytest.mark.parametrize("version", ["3.0.0", "", None, ["2.0.0"], 2])
def test_an_unknown_version_is_refused_naming_the_released_ones(version):
    with pytest.raises(CaseError) as caught:
        score({}, ruleset=version)
    assert caught.value.field == "ruleset"
    assert caught.value.allowed == ["1.0.0", "2.0.0"]


@pytest.mark.parametrize("version", sorted(PINNED_DIGESTS))
def test_every_entry_is_a_frozen_record_with_id_text_and_sources(version):
    ruleset = load_ruleset(version)
    groups = (
        ruleset.criteria,
        ruleset.rules,
        ruleset.red_flags,
        ruleset.questions,
        ruleset.thresholds,
        ruleset.advice,
    )
    kinds = (Criterion, Rule, RedFlag, Question, Threshold, AdviceLine)
    for entries, kind in zip(groups, kinds, strict=True):
        assert entries, kind
        for entry in entries:
            assert isinstance(entry, kind)
            assert getattr(entry, "id", None) or entry.code
            assert getattr(entry, "text", None) or entry.rule
            assert isinstance(entry.sources, tuple)
            with pytest.raises(dataclasses.FrozenInstanceError):
                entry.sources = ()  # type: ignore[misc]


def test_ids_are_unique_within_each_kind():
    ruleset = load_ruleset("2.0.0")
    for entries in (ruleset.criteria, ruleset.red_flags, ruleset.thresholds):
        ids = [entry.id for entry in entries]
        assert len(ids) == len(set(ids))
    assert len({q.code for q in ruleset.questions}) == len(ruleset.questions)
    assert len({a.code for a in ruleset.advice}) == len(ruleset.advice)


def test_ruleset_1_0_0_gives_exactly_its_old_results_for_the_whole_corpus():
    entries = load()
    assert len(entries) == 2800
    refused = 0
    for number, entry in enumerate(entries):
        case = json.loads(entry["case"])
        got = outcome(score, case)
        if entry["outcome"] == "crash":
            # 1.0.0 crashed on a list or object where one code was expected; now a refusal.
            with pytest.raises(CaseError):
                score(case, ruleset="1.0.0")
            refused += 1
            continue
        assert got == entry["outcome"], f"corpus case {number} changed under 1.0.0"
    assert refused == 54


def test_the_engine_package_still_exports_the_names_the_web_app_uses():
    for name in (
        "RULESET_VERSION",
        "RULESET_DIGEST",
        "RULESET",
        "CAUSES",
        "TRIAGE_LEVELS",
        "FLAGS",
        "CaseError",
        "interpret_lab",
        "lab_thresholds",
        "score",
        "vocabulary",
    ):
        assert hasattr(engine, name), name
