"""Builds the engine's input case from stored records (CLINICAL_CRITERIA.md, "Engine contract").

Unknown stays unknown: a blank answer becomes null, never a normal value. Results come from the
work-ups app, which sits above this one and registers itself as a result source at start-up.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from episodes.models import Episode
from patients.models import Infant, MaternalDiabetes, NeuroExam
from patients.selectors import infant_development_status

EPISODE_WINDOW = timedelta(days=14)

ResultSource = Callable[[Infant], list[dict]]
_result_sources: list[ResultSource] = []


def register_result_source(source: ResultSource) -> None:
    if source not in _result_sources:
        _result_sources.append(source)


def infant_section(infant: Infant, *, at: datetime, development: str | None) -> dict:
    diabetes = {
        MaternalDiabetes.NONE: False,
        MaternalDiabetes.GESTATIONAL: True,
        MaternalDiabetes.PRE_EXISTING: True,
    }.get(infant.maternal_diabetes)
    return {
        "age_days": round((at - infant.born_at).total_seconds() / 86400, 3),
        "gestational_weeks": infant.gestation_weeks_decimal,
        "birth_weight_g": infant.birth_weight_g,
        "maternal_diabetes": diabetes,
        "feeding": infant.feeding or None,
        "development": development,
        "neuro_exam": infant.neuro_exam or NeuroExam.NOT_DONE,
        "family_history": list(infant.family_history),
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


def episode_section(episode) -> dict:
    """One episode as the engine reads it; a blank answer is unknown (null), never normal."""
    section = {name: (getattr(episode, name) or None) for name in EPISODE_FIELDS}
    section.update(
        {
            "rate_hz_est": float(episode.rate_hz_est) if episode.rate_hz_est is not None else None,
            "episode_duration_s": episode.duration_s,
            "episodes_per_day": episode.episodes_per_day,
            "autonomic": list(episode.autonomic),
            "associated": list(episode.associated),
            "video_available": episode.video_available,
        }
    )
    return section


def build_case(infant: Infant, *, at: datetime | None = None) -> dict:
    """The engine's input for this infant now: the last 14 days of episodes and all results."""
    at = at or timezone.now()
    episodes = Episode.objects.filter(
        infant=infant, started_at__gte=at - EPISODE_WINDOW, started_at__lte=at
    ).order_by("started_at", "id")
    return {
        "infant": infant_section(infant, at=at, development=infant_development_status(infant)),
        "episodes": [episode_section(e) for e in episodes],
        "results": results_section(infant),
    }
