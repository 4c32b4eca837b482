from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # Lower apps enqueue "assessments.assess_infant" by name; it must be registered in every
        # process (web, commands, workers), not only where Celery autodiscovers tasks.
        from assessments import tasks  # noqa: F401
