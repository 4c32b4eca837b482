from django.apps import AppConfig


class WorkupsConfig(AppConfig):
    name = "workups"
