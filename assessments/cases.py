"""Builds the engine's input case from stored records (CLINICAL_CRITERIA.md, "Engine contract"
and section 0b, contract 2).

Unknown stays unknown: a blank answer becomes null, never a normal value. Results come from the
work-ups app, which sits above this one and registers itself as a result source at start-up.
Each episode carries its public id, so the episode indices of a result (`"episodes": [0, 2]`) map
back to stored episodes: `case_episode_uuids(case)[i]` is the episode of index i.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from episodes.models import Episode
from patients.models import Infant, MaternalDiabetes, NeuroExam
from patients.selectors import infant_development_status

EPISODE_WINDOW = timedelta(days=14)
CONTRACT_1_RULESET = "1.0.0"

ResultSource = Callable[[Infant], list[dict]]
_result_sources: list[ResultSource] = []


def register_result_source(source: ResultSource) -> None:
    if source not in _result_sources:
        _result_sources.append(source)


def _hours_between(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)


def infant_section(infant: Infant, *, at: datetime, development: str | None) -> dict:
    diabetes: bool | None = {
        str(MaternalDiabetes.NONE): False,
        str(MaternalDiabetes.GESTATIONAL): True,
        str(MaternalDiabetes.PRE_EXISTING): True,
    }.get(infant.maternal_diabetes)
    return {
        "age_days": round((at - infant.born_at).total_seconds() / 86400, 3),
        "gestational_weeks": infant.gestation_weeks_decimal,
        "birth_weight_g": infant.birth_weight_g,
        "maternal_diabetes": diabetes,
        "maternal_drug_exposure": list(infant.maternal_drug_exposure),
        "size_for_gestational_age": infant.size_for_gestational_age or None,
        "skin_signs": list(infant.skin_signs),
        "head": infant.head or None,
        "fontanelle": infant.fontanelle or None,
        "feeding": infant.feeding or None,
        "development": development,
        "neuro_exam": list(infant.neuro_exam) or [NeuroExam.NOT_DONE.value],
        "family_history": list(infant.family_history),
        "medications": [
            {
                "drug": dose["drug"],
                "age_hours": _hours_between(
                    infant.born_at, datetime.fromisoformat(dose["given_at"])
                ),
                "response": dose["response"],
            }
            for dose in infant.medications
        ],
    }


def results_section(infant: Infant) -> list[dict]:
    results: list[dict] = []
    for source in _result_sources:
        results.extend(source(infant))
    return results


EPISODE_FIELDS = (
    "state",
    "trigger",
    "movement_type",
    "oscillation",
    "distribution",
    "symmetry",
    "stops_with_gentle_restraint",
    "stops_on_waking",
    "stimulus_sensitive",
    "clusters",
    "eye_signs",
    "consciousness",
    "after_event",
)


def episode_section(episode: Episode, *, born_at: datetime, video_available: bool) -> dict:
    """One episode as the engine reads it; a blank answer is unknown (null), never normal."""
    section: dict[str, Any] = {"id": str(episode.uuid)}
    section.update({name: (getattr(episode, name) or None) for name in EPISODE_FIELDS})
    section.update(
        {
            "age_hours": _hours_between(born_at, episode.started_at),
            "rate_hz_est": float(episode.rate_hz_est) if episode.rate_hz_est is not None else None,
            "episode_duration_s": episode.duration_s,
            "episodes_per_day": episode.episodes_per_day,
            "autonomic": list(episode.autonomic),
            "associated": list(episode.associated),
            "temperature_c": (
                float(episode.temperature_c) if episode.temperature_c is not None else None
            ),
            "video_available": video_available,
            "clinician_reviewed": episode.clinician_reviewed,
        }
    )
    return section


def case_episode_uuids(case: dict) -> list[str | None]:
    """The stored episode behind each index of `case["episodes"]` (None where a case predates
    episode ids)."""
    return [episode.get("id") for episode in case.get("episodes") or []]


def build_case(infant: Infant, *, at: datetime | None = None, ruleset: str | None = None) -> dict:
    """The engine's input for this infant now: the last 14 days of episodes, oldest first, and
    all results, in contract 2 (or contract 1 when scored by ruleset 1.0.0)."""
    at = at or timezone.now()
    episodes = (
        Episode.objects.filter(
            infant=infant, started_at__gte=at - EPISODE_WINDOW, started_at__lte=at
        )
        .prefetch_related("videos")
        .order_by("started_at", "id")
    )
    return case_from_records(
        infant=infant,
        episodes=[(episode, episode.video_available) for episode in episodes],
        results=results_section(infant),
        at=at,
        development=infant_development_status(infant),
        ruleset=ruleset,
    )


def case_from_records(
    *,
    infant: Infant,
    episodes: list[tuple[Episode, bool]],
    results: list[dict],
    at: datetime,
    development: str | None,
    ruleset: str | None = None,
) -> dict:
    """The case for records already in hand (episodes oldest first, each with whether it has a
    video); the load generator builds its infants' cases with it, without reading them back."""
    case = {
        "infant": infant_section(infant, at=at, development=development),
        "episodes": [
            episode_section(episode, born_at=infant.born_at, video_available=video)
            for episode, video in episodes
        ],
        "results": results,
    }
    return case_as_contract_1(case) if ruleset == CONTRACT_1_RULESET else case


# Contract 2 additions that ruleset 1.0.0 refuses, and how its narrower vocabulary reads them.
_CONTRACT_2_INFANT_ONLY = ("skin_signs", "head", "fontanelle", "medications")
_CONTRACT_2_EPISODE_ONLY = ("age_hours", "temperature_c", "clinician_reviewed")
_CONTRACT_2_ASSOCIATED = frozenset(
    {"high_pitched_cry", "vomiting", "inconsolable_crying", "jaundice", "arching_or_opisthotonus"}
)
_CONTRACT_2_MOVEMENTS = frozenset({"pedalling_or_boxing", "oral_automatisms"})
_CONTRACT_2_TESTS = frozenset(
    {"sodium", "bilirubin_total", "infection_workup", "cranial_ultrasound"}
)
_SIZE_WORDS = {"sga": "small", "aga": "appropriate", "lga": "large"}
# The single 1.0.0 finding for a list of findings: the most specific abnormal one wins.
_NEURO_EXAM_PRECEDENCE = (
    ("focal_deficit", "focal_deficit"),
    ("hypertonia", "abnormal_tone"),
    ("hypotonia", "abnormal_tone"),
    ("abnormal_tone", "abnormal_tone"),
    ("exaggerated_nose_tap_startle", "exaggerated_nose_tap_startle"),
    ("abnormal_other", "abnormal_other"),
    ("normal", "normal"),
)


def _single_neuro_exam(findings: list[str]) -> str:
    return next(
        (single for finding, single in _NEURO_EXAM_PRECEDENCE if finding in findings), "not_done"
    )


def case_as_contract_1(case: dict) -> dict:
    """The same case as ruleset 1.0.0 reads it: contract-2-only fields left out, lists where it
    expects one value narrowed, codes it does not know read as its nearest code or dropped."""
    infant = {k: v for k, v in case["infant"].items() if k not in _CONTRACT_2_INFANT_ONLY}
    infant["maternal_drug_exposure"] = bool(infant.get("maternal_drug_exposure"))
    infant["size_for_gestational_age"] = _SIZE_WORDS.get(
        infant.get("size_for_gestational_age") or ""
    )
    infant["neuro_exam"] = _single_neuro_exam(infant.get("neuro_exam") or [])
    history = infant.get("family_history") or []
    infant["family_history"] = sorted(
        {"other" if code == "tuberous_sclerosis" else code for code in history} - {"consanguinity"}
    )
    episodes = []
    for episode in case["episodes"]:
        episode = {k: v for k, v in episode.items() if k not in _CONTRACT_2_EPISODE_ONLY}
        if episode.get("movement_type") in _CONTRACT_2_MOVEMENTS:
            episode["movement_type"] = "unspecified_jerking"
        episode["associated"] = [
            code for code in episode.get("associated") or [] if code not in _CONTRACT_2_ASSOCIATED
        ]
        episodes.append(episode)
    results = []
    for result in case["results"]:
        if result.get("test") in _CONTRACT_2_TESTS:
            continue
        result = {k: v for k, v in result.items() if k != "captured_event_types"}
        if result.get("interpretation") == "electrographic_seizures":
            result["interpretation"] = "epileptiform"
        results.append(result)
    return {"infant": infant, "episodes": episodes, "results": results}
