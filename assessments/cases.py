"""Builds the engine's input case from stored records (CLINICAL_CRITERIA.md, "Engine contract").

Unknown stays unknown: a blank answer becomes null, never a normal value. Results come from the
work-ups app, which sits above this one and registers itself as a result source at start-up.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from patients.models import Infant, MaternalDiabetes, NeuroExam

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
