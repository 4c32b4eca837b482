"""The ruleset 1.0.0 corpus: seeded cases (valid and invalid) and a hash of what 1.0.0 returned.

``python -m tests.assessments.engine.corpus_v1`` regenerated ``data/ruleset_1_0_0_corpus.json.gz``
from the 1.0.0 engine before rulesets became typed data; the test compares against it, so 1.0.0
keeps giving exactly those results (or those refusals) for every input.
"""

import gzip
import hashlib
import json
import random
from pathlib import Path

from assessments.engine import vocabulary

CORPUS = Path(__file__).parent / "data" / "ruleset_1_0_0_corpus.json.gz"
SEED = 20261201
codes = vocabulary.codes

_EPISODE_CHOICES = (
    "state", "trigger", "movement_type", "oscillation", "distribution", "symmetry",
    "stops_with_gentle_restraint", "stops_on_waking", "stimulus_sensitive", "clusters",
    "eye_signs", "consciousness", "after_event",
)  # fmt: skip
_NUMBERS = {
    "rate_hz_est": (0.5, 1, 2, 3, 4, 5, 6, 8, 12),
    "episode_duration_s": (1, 60, 1800),
    "episodes_per_day": (1, 2, 5, 30),
    "age_days": (0.1, 1, 1.99, 2, 2.5, 3, 5, 10, 14, 20, 27.9, 28, 40, 60, 61, 120, 183, 190,
                 365, 400, 730, 800),
    "gestational_weeks": (26, 34, 36.9, 37, 40),
    "birth_weight_g": (900, 1499, 1500, 3300, 4500),
}  # fmt: skip
_LAB_RANGES = {
    "glucose": ((10, 120), (0.5, 7)),
    "total_calcium": ((5, 11), (1.2, 2.8)),
    "ionized_calcium": ((3, 6), (0.7, 1.5)),
    "magnesium": ((0.8, 3), (0.3, 1.2)),
    "phosphate": ((3, 11), (1, 3.6)),
}
_BAD_VALUES = ("nonsense", 3, True, [], {}, -1.0, float("inf"), ["x"], None)


def _maybe(rng, value, p=0.8):
    return value if rng.random() < p else None


def _episode(rng):
    episode = {}
    for field in _EPISODE_CHOICES:
        if rng.random() < 0.85:
            episode[field] = _maybe(rng, rng.choice(codes(vocabulary.VOCABULARIES[field])))
    for field in ("autonomic", "associated"):
        if rng.random() < 0.85:
            options = codes(vocabulary.VOCABULARIES[field])
            chosen = sorted(set(rng.sample(options, rng.choice((0, 0, 1, 2)))))
            episode[field] = _maybe(rng, chosen)
    for field in ("rate_hz_est", "episode_duration_s", "episodes_per_day"):
        if rng.random() < 0.6:
            episode[field] = _maybe(rng, rng.choice(_NUMBERS[field]))
    if rng.random() < 0.7:
        episode["video_available"] = _maybe(rng, rng.random() < 0.5)
    return episode


def _infant(rng):
    infant = {}
    for field in ("age_days", "gestational_weeks", "birth_weight_g"):
        if rng.random() < 0.9:
            infant[field] = _maybe(rng, rng.choice(_NUMBERS[field]), 0.9)
    for field in ("feeding", "development", "neuro_exam", "size_for_gestational_age"):
        if rng.random() < 0.85:
            infant[field] = _maybe(rng, rng.choice(codes(vocabulary.VOCABULARIES[field])))
    for field in ("maternal_diabetes", "maternal_drug_exposure"):
        if rng.random() < 0.85:
            infant[field] = _maybe(rng, rng.random() < 0.3)
    if rng.random() < 0.7:
        infant["family_history"] = sorted(
            set(rng.sample(codes(vocabulary.FAMILY_HISTORY), rng.choice((0, 0, 1))))
        )
    return infant


def _result(rng):
    kind = rng.random()
    if kind < 0.6:
        test = rng.choice(tuple(_LAB_RANGES))
        unit = rng.choice(("mg/dL", "mmol/L"))
        low, high = _LAB_RANGES[test][unit == "mmol/L"]
        return {
            "test": test,
            "value": round(rng.uniform(low, high), rng.choice((1, 2, 3))),
            "unit": unit,
            "age_hours": rng.choice((None, 1, 4, 20, 30, 47.9, 48, 60, 72, 200)),
        }
    if kind < 0.7:
        return {"test": "vitamin_d_25oh", "value": rng.choice((8, 15, 25, 40)), "unit": "ng/mL"}
    if kind < 0.9:
        return {
            "test": rng.choice(("eeg", "video_eeg")),
            "interpretation": _maybe(rng, rng.choice(codes(vocabulary.EEG_INTERPRETATION))),
            "captured_typical_event": _maybe(rng, rng.random() < 0.6),
        }
    if kind < 0.95:
        return {"test": "mri_brain", "interpretation": rng.choice(("normal", "abnormal"))}
    return {"test": rng.choice(("critical_sample", "pth", "alkaline_phosphatase"))}


def _case(rng):
    case = {"infant": _infant(rng), "episodes": [_episode(rng) for _ in range(rng.randint(0, 3))]}
    if rng.random() < 0.7:
        case["results"] = [_result(rng) for _ in range(rng.randint(0, 3))]
    return case


def _break(rng, case):
    """One bad value somewhere in the case (type, vocabulary, unit or shape)."""
    where = rng.random()
    bad = rng.choice(_BAD_VALUES)
    if where < 0.4 and case["episodes"]:
        field = rng.choice((*_EPISODE_CHOICES, "autonomic", "associated", "rate_hz_est", "x"))
        case["episodes"][0][field] = bad
    elif where < 0.7:
        field = rng.choice(("age_days", "feeding", "family_history", "maternal_diabetes", "y"))
        case["infant"][field] = bad
    elif where < 0.85:
        case.setdefault("results", []).append(
            {"test": "glucose", "value": rng.choice((40, "40", None)), "unit": bad}
        )
    else:
        case[rng.choice(("episodes", "results", "infant", "extra"))] = bad
    return case


def cases(count=2400, seed=SEED):
    rng = random.Random(seed)
    generated = [_case(rng) for _ in range(count)]
    generated += [_break(rng, _case(rng)) for _ in range(count // 6)]
    return generated


def outcome(score, case):
    try:
        result = score(case, ruleset="1.0.0")
    except ValueError as error:  # CaseError
        result = {"error": str(error)}
    except TypeError:
        # 1.0.0 crashed on an unhashable value where one code was expected; the typed rulesets
        # refuse it with a CaseError instead, which the corpus test accepts.
        return "crash"
    canonical = json.dumps(result, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def load():
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        return json.load(handle)


if __name__ == "__main__":
    import inspect

    from assessments.engine import score

    def score_any(case, ruleset):
        if "ruleset" in inspect.signature(score).parameters:
            return score(case, ruleset=ruleset)
        return score(case)

    entries = []
    for case in cases():
        text = json.dumps(case, allow_nan=True)
        entries.append({"case": text, "outcome": outcome(score_any, json.loads(text))})
    CORPUS.parent.mkdir(exist_ok=True)
    with gzip.open(CORPUS, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(entries, handle, separators=(",", ":"))
    print(len(entries), "cases,", sum(e["outcome"] == "crash" for e in entries), "crashes")
