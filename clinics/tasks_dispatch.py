"""The one way an app hands work to a Celery task: by the task's registered name, with ids only.

`enqueue_on_commit` sends it after the current transaction commits (so the task never runs
before the rows it reads exist) and robustly (a broker outage after commit is logged, not raised
to the user: the row the task works from is the truth, and the task's sweep sends it again).
`enqueue` sends it now, for sweeps and tasks that run outside a transaction. By name, so no app
imports a task module (a lower app may not import a higher one, and an app's tasks import its
services); the name is resolved when the work is handed over, so a misspelt one fails at once.
"""

from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.utils.module_loading import autodiscover_modules


def registered_task(task_name: str) -> Task:
    """The task of that name; every app's tasks module is imported on first need, so a web
    process or a command knows every task, not only a worker."""
    if task_name not in current_app.tasks:
        autodiscover_modules("tasks")
    return current_app.tasks[task_name]


def enqueue(task_name: str, **ids: Any) -> None:
    registered_task(task_name).apply_async(kwargs=ids)


def enqueue_on_commit(task_name: str, **ids: Any) -> None:
    task = registered_task(task_name)
    transaction.on_commit(lambda: task.apply_async(kwargs=ids), robust=True)
