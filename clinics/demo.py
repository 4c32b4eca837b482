"""Synthetic demo clinics and staff for `manage.py seed_demo`. Safe to run again."""

from clinics.models import Clinic, Role
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


def seed(log) -> list[Clinic]:
    clinics = []
    for slug, name, time_zone in DEMO_CLINICS:
        clinic = clinic_ensure(slug=slug, name=name, time_zone=time_zone)
        clinics.append(clinic)
        for role, local_part, title in STAFF:
            email = f"{local_part}@{slug}.example"
            staff_member_ensure(
                clinic=clinic,
                email=email,
                role=role,
                password=DEMO_PASSWORD,
                full_name=f"{title} ({name})",
            )
            log(f"  {email:<34} {role.label:<14} {name}")
    return clinics
