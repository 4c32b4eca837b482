"""The benchmark worker's one extra task (`celery worker --include bench.tasks`): nothing, so its
round trip is the broker's and the worker's own cost, the baseline of assessment_vs_noop_task."""

from celery import shared_task


@shared_task(name="bench.noop")
def noop() -> None:
    return None
