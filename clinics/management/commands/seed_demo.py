"""Synthetic demo data. Safe to run again: it updates what exists and adds what is missing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from clinics.models import Role
from clinics.services import clinic_ensure, staff_member_ensure

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - synthetic demo accounts only
DEMO_CLINICS = [
    ("northside", "Northside Pediatrics", "America/New_York"),
    ("riverside", "Riverside Children's Clinic", "Europe/London"),
]
STAFF = [
    (Role.CLINIC_ADMIN, "admin", "Admin"),
    (Role.PEDIATRICIAN, "pediatrician", "Dr. Pediatrician"),
    (Role.NURSE, "nurse", "Nurse"),
]


class Command(BaseCommand):
    help = "Create (or refresh) the synthetic demo clinics, staff and families."

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts = []
            for slug, name, time_zone in DEMO_CLINICS:
                clinic = clinic_ensure(slug=slug, name=name, time_zone=time_zone)
                for role, local_part, title in STAFF:
                    email = f"{local_part}@{slug}.example"
                    staff_member_ensure(
                        clinic=clinic,
                        email=email,
                        role=role,
                        password=DEMO_PASSWORD,
                        full_name=f"{title} ({name})",
                    )
                    accounts.append((clinic.name, role.label, email))
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for clinic_name, role_label, email in accounts:
            self.stdout.write(f"  {email:<34} {role_label:<14} {clinic_name}")
        self.stdout.write(f"  password for every account: {DEMO_PASSWORD}")
