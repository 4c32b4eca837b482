import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, task_failure, task_retry, task_success
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tremor_clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's lines carry its task id and the id of the request that enqueued it.
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def use_the_clinics_logging(**kwargs) -> None:
    """The worker logs JSON lines through the same handlers as the web app, instead of
    Celery's own plain-text set-up."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@task_success.connect
def _count_success(sender=None, **kwargs) -> None:
    from config.metrics import task_outcome_count

    task_outcome_count(sender.name, "succeeded")


@task_failure.connect
def _count_failure(sender=None, **kwargs) -> None:
    from config.metrics import task_outcome_count

    task_outcome_count(sender.name, "failed")


@task_retry.connect
def _count_retry(sender=None, **kwargs) -> None:
    from config.metrics import task_outcome_count

    task_outcome_count(sender.name, "retried")
