"""Engine throughput: synthetic, seeded, varied three-episode cases scored in one process.

Target (issue "The differentiation engine"): at least 10,000 cases per second.
"""

import random
import time

from assessments.engine import score
from assessments.engine.vocabulary import VOCABULARIES, codes

TARGET_CASES_PER_SECOND = 10_000
SEED = 20261125

# Typical presentations of section 2, as the answers a caregiver would log for each.
PRESENTATIONS = {
    "jitteriness": {
        "state": "awake_crying_or_handled",
        "trigger": "crying_or_hunger",
        "movement_type": "fine_tremor",
        "oscillation": "equal",
        "symmetry": "symmetric",
        "stops_with_gentle_restraint": "yes",
    },
    "sleep_jerks": {
        "state": "asleep",
        "trigger": "none",
        "movement_type": "myoclonic_jerks",
        "oscillation": "repetitive_brief_jerks",
        "stops_with_gentle_restraint": "no",
        "stops_on_waking": "yes",
    },
    "startle": {
        "state": "awake_calm",
        "trigger": "sudden_noise_or_movement",
        "movement_type": "startle_moro",
        "oscillation": "single",
        "after_event": "cries_then_settles",
    },
    "clonic": {
        "state": "awake_calm",
        "trigger": "none",
        "movement_type": "rhythmic_clonic_jerks",
        "oscillation": "fast_slow",
        "distribution": "one_leg",
        "stops_with_gentle_restraint": "no",
    },
    "spasms": {
        "state": "on_waking",
        "trigger": "waking",
        "movement_type": "spasm_like_flexion_extension",
        "oscillation": "spasm_1_2s",
        "clusters": "yes",
    },
}
OTHER_EPISODE_FIELDS = ("eye_signs", "consciousness", "after_event", "clusters", "distribution")


def _episode(rng: random.Random, presentation: dict) -> dict:
    episode = dict(presentation)
    for field in OTHER_EPISODE_FIELDS:
        if field not in episode and rng.random() < 0.8:
            # Mostly the calm answer, sometimes any answer, as real logs are.
            options = codes(VOCABULARIES[field])
            episode[field] = options[0] if rng.random() < 0.85 else rng.choice(options)
    episode["autonomic"] = [] if rng.random() < 0.9 else ["apnea"]
    episode["associated"] = [] if rng.random() < 0.85 else [rng.choice(("poor_feeding", "fever"))]
    episode["episode_duration_s"] = rng.choice((5, 20, 60, 300))
    episode["episodes_per_day"] = rng.randint(1, 12)
    episode["video_available"] = rng.random() < 0.6
    return episode


def _infant(rng: random.Random) -> dict:
    return {
        "age_days": rng.choice((0.5, 2, 6, 12, 25, 45, 90, 150, 240)),
        "gestational_weeks": rng.choice((33, 36, 38, 39, 40, None)),
        "birth_weight_g": rng.choice((1400, 2500, 3300, 4200, None)),
        "maternal_diabetes": rng.choice((True, False, False, None)),
        "feeding": rng.choice(codes(VOCABULARIES["feeding"])),
        "development": rng.choice(("not_applicable_neonate", "age_appropriate", "delayed", None)),
        "neuro_exam": rng.choice(("normal", "normal", "not_done", "abnormal_tone")),
        "family_history": [],
    }


def _results(rng: random.Random) -> list[dict]:
    results = []
    if rng.random() < 0.5:
        results.append(
            {"test": "glucose", "value": rng.uniform(30, 90), "unit": "mg/dL", "age_hours": 20}
        )
    if rng.random() < 0.3:
        results.append(
            {"test": "ionized_calcium", "value": rng.uniform(0.9, 1.3), "unit": "mmol/L"}
        )
    if rng.random() < 0.1:
        results.append(
            {"test": "video_eeg", "interpretation": "normal", "captured_typical_event": True}
        )
    return results


def synthetic_cases(count: int, seed: int = SEED) -> list[dict]:
    """``count`` varied three-episode cases, the same ones for the same seed."""
    rng = random.Random(seed)
    names = sorted(PRESENTATIONS)
    cases = []
    for _ in range(count):
        presentation = PRESENTATIONS[rng.choice(names)]
        cases.append(
            {
                "infant": _infant(rng),
                "episodes": [_episode(rng, presentation) for _ in range(3)],
                "results": _results(rng),
            }
        )
    return cases


def bench_engine(seconds: float = 3.0, count: int = 5_000) -> dict:
    """Score the synthetic cases in rounds for about ``seconds``; report cases per second."""
    cases = synthetic_cases(count)
    for case in cases[:200]:
        score(case)
    scored = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for case in cases:
            score(case)
        scored += len(cases)
    elapsed = time.perf_counter() - started
    rate = scored / elapsed
    return {
        "figure": "engine cases/s (3 episodes, one process)",
        "value": round(rate),
        "target": TARGET_CASES_PER_SECOND,
        "ratio": round(rate / TARGET_CASES_PER_SECOND, 2),
    }


if __name__ == "__main__":
    result = bench_engine()
    print(f"{result['figure']}: {result['value']} (target {result['target']}, x{result['ratio']})")
