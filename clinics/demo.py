"""Synthetic demo clinics and staff for `manage.py seed_demo`. Safe to run again."""

from base64 import b32encode

from django_otp.plugins.otp_totp.models import TOTPDevice

from clinics.models import Clinic, Role
from clinics.services import clinic_ensure, staff_member_ensure

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - synthetic demo accounts only
DEMO_CLINICS = [
    ("northside", "Northside Pediatrics", "America/New_York"),
    ("riverside", "Riverside Children's Clinic", "Europe/London"),
]
# Every demo staff account shares this authenticator key (synthetic accounts only), so a demo
# needs no enrolment: add it to any authenticator app, or run `oathtool --totp -b <secret>`.
DEMO_TOTP_KEY_HEX = "74656d6f722d636c696e69632d64656d6f2d6b6579"
DEMO_TOTP_SECRET = b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode().rstrip("=")
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
            membership = staff_member_ensure(
                clinic=clinic,
                email=email,
                role=role,
                password=DEMO_PASSWORD,
                full_name=f"{title} ({name})",
            )
            TOTPDevice.objects.update_or_create(
                user=membership.user,
                name="Demo authenticator",
                defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True},
            )
            log(f"  {email:<34} {role.label:<14} {name}")
    log(f"  staff authenticator secret (TOTP, any app): {DEMO_TOTP_SECRET}")
    return clinics
