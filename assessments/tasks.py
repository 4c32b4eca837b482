from celery import shared_task
from django.db import OperationalError

from assessments.services import assessment_run_requested, assessments_pending


@shared_task(
    name="assessments.assess_infant",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def assess_infant_task(infant_id: int) -> str | None:
    """Run the infant's pending assessment request; a rerun with nothing pending is a no-op."""
    assessment = assessment_run_requested(infant_id=infant_id)
    return str(assessment.uuid) if assessment else None


@shared_task(name="assessments.sweep")
def assessments_sweep_task() -> int:
    """Re-enqueue assessment requests that a lost message or a dead worker left pending."""
    infant_ids = list(assessments_pending())
    for infant_id in infant_ids:
        assess_infant_task.delay(infant_id)
    return len(infant_ids)
