from django.apps import AppConfig


class WorkupsConfig(AppConfig):
    name = "workups"
    verbose_name = "Work-ups and referrals"

    def ready(self) -> None:
        from assessments.cases import register_result_source
        from workups.services import results_as_case

        register_result_source(results_as_case)
