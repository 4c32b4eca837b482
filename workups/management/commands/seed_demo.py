"""Synthetic demo data across the apps. Safe to run again: it updates what exists and adds what
is missing. Each app keeps its own part in `<app>/demo.py`; this command sits in the top app so
it may call all of them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from clinics import demo as clinics_demo
from episodes import demo as episodes_demo
from patients import demo as patients_demo
from workups import demo as workups_demo


class Command(BaseCommand):
    help = "Create (or refresh) the synthetic demo clinics, staff and families."

    def handle(self, *args, **options):
        lines: list[str] = []
        with transaction.atomic():
            clinics_demo.seed(lines.append)
            patients_demo.seed(lines.append)
            episodes_demo.seed(lines.append)
            workups_demo.seed(lines.append)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"  password for every account: {clinics_demo.DEMO_PASSWORD}")
