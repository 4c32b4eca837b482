"""The ruleset is versioned data with sources, the engine is pure Python, and results are plain
JSON (CLINICAL_CRITERIA.md "Engine contract"; docs/DESIGN.md "The engine")."""

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from assessments.engine import RULESET, RULESET_DIGEST, RULESET_VERSION, vocabulary
from assessments.engine.ruleset import ruleset_digest
from tests.assessments.engine.cases import complete_case
from tests.assessments.engine.cases import score_1 as score

ENGINE_DIR = Path(__file__).resolve().parents[3] / "assessments" / "engine"
REPO_ROOT = ENGINE_DIR.parents[1]
# The numbered sources of CLINICAL_CRITERIA.md ("Numbers missing from this list are held back").
PUBLISHED_SOURCES = {str(n) for n in [*range(1, 39), 40, 46, 47, 49, 50]} | {"19b"}


def test_engine_imports_without_django():
    probe = (
        "import sys; import assessments.engine as engine; "
        "engine.score({}); "
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_engine_source_never_mentions_django_imports():
    for path in ENGINE_DIR.glob("*.py"):
        text = path.read_text()
        assert "import django" not in text, path
        assert "from django" not in text, path


def test_digest_is_sha256_of_the_canonical_ruleset_json():
    canonical = json.dumps(RULESET, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert hashlib.sha256(canonical.encode()).hexdigest() == RULESET_DIGEST
    assert score({})["ruleset"] == {"version": RULESET_VERSION, "digest": RULESET_DIGEST}


def test_changing_any_criterion_changes_the_digest():
    changed = copy.deepcopy(RULESET)
    changed["labs"]["magnesium"]["thresholds"][0]["values"]["mg/dL"] = 1.5
    assert ruleset_digest(changed) != RULESET_DIGEST
    reworded = copy.deepcopy(RULESET)
    reworded["triage_rules"][0]["text"] += "."
    assert ruleset_digest(reworded) != RULESET_DIGEST


def test_triage_rules_carry_the_specification_ids_and_sources():
    ids = [rule["id"] for rule in RULESET["triage_rules"]]
    expected = [f"E{n}" for n in range(1, 8)] + [f"S{n}" for n in range(1, 6)]
    assert ids[:12] == expected
    assert RULESET["override"]["id"] == "OVR1"
    assert set(RULESET["override"]["suppresses"]) == {"E1", "E2", "S1"}


def test_every_cited_source_is_a_published_source_of_the_criteria_file():
    cited = [s for c in RULESET["criteria"] for s in c["sources"]]
    cited += [s for r in RULESET["triage_rules"] for s in r["sources"]]
    cited += [s for _, _, sources, _ in RULESET["red_flags"] for s in sources]
    for lab in RULESET["labs"].values():
        cited += [s for t in lab["thresholds"] + lab["reference"] for s in t["sources"]]
    assert set(cited) <= PUBLISHED_SOURCES
    assert all(criterion["sources"] for criterion in RULESET["criteria"])


def test_criterion_ids_are_unique():
    ids = [criterion["id"] for criterion in RULESET["criteria"]]
    assert len(ids) == len(set(ids))


def test_result_is_plain_json_with_the_contract_keys():
    result = score(complete_case())
    assert json.loads(json.dumps(result)) == result
    assert list(result) == [
        "ruleset",
        "leading_cause",
        "triage",
        "triage_rules",
        "differential",
        "red_flags",
        "recommended_tests",
        "missing_information",
        "caregiver_advice",
    ]
    assert set(result["differential"][0]) == {"cause", "score", "for", "against"}


def test_scoring_does_not_change_the_case():
    case = complete_case()
    before = copy.deepcopy(case)
    score(case)
    assert case == before


def test_vocabulary_codes_are_those_of_the_criteria_file():
    codes = {name: vocabulary.codes(pairs) for name, pairs in vocabulary.VOCABULARIES.items()}
    assert codes["state"] == (
        "awake_calm",
        "awake_crying_or_handled",
        "feeding",
        "drowsy_falling_asleep",
        "asleep",
        "on_waking",
    )
    assert codes["stops_with_gentle_restraint"] == (
        "yes",
        "partially",
        "no",
        "worsens",
        "not_tried",
    )
    assert codes["stops_on_waking"] == ("yes", "no", "not_observed", "na")
    assert codes["clusters"] == codes["stimulus_sensitive"] == ("yes", "no", "unknown")
    assert codes["autonomic"] == (
        "apnea",
        "cyanosis_or_color_change",
        "heart_rate_change",
        "drooling",
    )
    assert codes["after_event"] == (
        "baseline",
        "cries_then_settles",
        "irritable",
        "sleepy",
        "floppy",
    )
    assert codes["family_history"] == ("neonatal_seizures", "epilepsy", "startle_disorder", "other")
    assert codes["eeg_interpretation"] == (
        "normal",
        "epileptiform",
        "hypsarrhythmia",
        "other_abnormal",
    )
    assert codes["cause"] == tuple(RULESET["causes"])
    assert codes["triage"] == ("reassure_monitor", "routine_visit", "same_day", "emergency")
    assert len(codes["movement_type"]) == 9
    assert len(codes["trigger"]) == 9
    assert len(codes["associated"]) == 13
    assert len(codes["test"]) == 12
    for pairs in vocabulary.VOCABULARIES.values():
        assert all(isinstance(code, str) and label for code, label in pairs)
