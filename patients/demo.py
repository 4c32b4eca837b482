"""Synthetic infants, caregivers and milestone entries for `manage.py seed_demo`. Safe to run
again: infants are found by medical record number and updated, never duplicated; the birth time
is set from the listed age only when an infant is created, so ages stay varied over time."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from clinics.demo import DEMO_CLINICS, DEMO_PASSWORD
from clinics.models import AuditChannel, Clinic, Membership, Role, User
from patients.models import Infant, MilestoneStatus
from patients.services import guardianship_link, infant_register, infant_update, milestone_record

GIVEN_NAMES = [
    "Ava", "Noah", "Mia", "Leo", "Zoe", "Eli", "Ivy", "Max", "Ada", "Sam",
    "Lia", "Ben", "Ema", "Kai", "Nia", "Oli", "Rae", "Tom", "Uma", "Vic",
]  # fmt: skip
FAMILY_NAMES = [
    "Okafor", "Okafor", "Silva", "Novak", "Haddad", "Kim", "Moreau", "Jensen", "Rossi", "Patel",
    "Larsen", "Nguyen", "Kowalski", "Mensah", "Ito", "Garcia", "Byrne", "Cohen", "Dubois", "Ali",
]  # fmt: skip
STARTLE = {"family_history": ["startle_disorder"]}
SEIZURES = {"family_history": ["neonatal_seizures"]}
# (age in hours, gestation weeks+days, birth weight g, maternal diabetes, feeding, extra fields)
INFANTS: list[tuple[int, tuple[int, int], int, str, str, dict[str, Any]]] = [
    (40 * 24, (36, 1), 2350, "none", "formula", {}),  # twins with the next one
    (40 * 24, (36, 1), 2180, "none", "formula", {}),
    (6, (39, 4), 3900, "gestational", "breast", {}),
    (30, (34, 2), 2100, "pre_existing", "mixed", {}),
    (60, (40, 0), 3450, "none", "formula", {"maternal_drug_exposure": ["ssri_snri"],
                                            "maternal_drug_details": "SSRI"}),
    (5 * 24, (38, 5), 3200, "none", "formula", {"maternal_vitamin_d_deficiency": True}),
    (9 * 24, (41, 1), 4300, "gestational", "formula", {}),
    (12 * 24, (29, 3), 1250, "none", "mixed", {}),
    (20 * 24, (39, 0), 3300, "none", "breast", {"family_history": ["epilepsy"]}),
    (50 * 24, (37, 2), 2900, "none", "breast", {"maternal_hyperparathyroidism": True}),
    (75 * 24, (40, 3), 3600, "none", "unfortified_milk_alternative", {}),
    (100 * 24, (32, 0), 1700, "none", "formula", {}),
    (130 * 24, (39, 6), 3500, "pre_existing", "formula", {}),
    (165 * 24, (38, 2), 3100, "none", "breast_and_solids", {}),  # regression in the log
    (200 * 24, (40, 1), 3550, "none", "breast_and_solids", STARTLE),
    (230 * 24, (35, 4), 2400, "gestational", "formula_and_solids", {}),
    (260 * 24, (39, 2), 3350, "none", "formula_and_solids", {}),
    (300 * 24, (41, 0), 3800, "none", "breast_and_solids", {}),
    (330 * 24, (27, 5), 980, "none", "formula_and_solids", SEIZURES),
    (365 * 24, (39, 3), 3250, "unknown", "breast_and_solids", {}),
]  # fmt: skip
# Milestone logs: index of infant -> (milestone, status, days after birth).
LOGS = {
    10: [("social_smile", "achieved", 50), ("head_up_prone", "achieved", 60)],
    12: [("social_smile", "achieved", 55), ("head_steady", "not_yet", 125)],
    13: [
        ("social_smile", "achieved", 60),
        ("head_steady", "achieved", 110),
        ("laughs", "achieved", 130),
        ("social_smile", "lost", 158),
    ],
    16: [("sits_without_support", "achieved", 190), ("rolls_over", "achieved", 170)],
    19: [("walks_with_assistance", "achieved", 300), ("babbles", "achieved", 260)],
}


def _recorder(clinic: Clinic) -> User:
    return (
        Membership.objects.select_related("user")
        .get(clinic=clinic, role=Role.PEDIATRICIAN, user__email__startswith="pediatrician@")
        .user
    )


def _caregiver(email: str, full_name: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _infant(clinic: Clinic, index: int, recorder: User) -> Infant:
    hours, (weeks, days), weight, diabetes, feeding, extra = INFANTS[index]
    fields: dict[str, Any] = {
        "given_name": GIVEN_NAMES[index],
        "family_name": FAMILY_NAMES[index],
        "sex": "female" if index % 2 else "male",
        "gestational_weeks": weeks,
        "gestational_days": days,
        "birth_weight_g": weight,
        "maternal_diabetes": diabetes,
        "feeding": feeding,
        **extra,
    }
    mrn = f"{clinic.slug[:3].upper()}-{index + 1:04d}"
    infant = Infant.objects.filter(clinic=clinic, mrn=mrn).first()
    if infant is None:
        return infant_register(
            clinic=clinic,
            registered_by=recorder,
            channel=AuditChannel.COMMAND,
            mrn=mrn,
            born_at=timezone.now() - timedelta(hours=hours),
            **fields,
        )
    changed = {name: value for name, value in fields.items() if getattr(infant, name) != value}
    if changed:
        infant = infant_update(
            infant=infant, updated_by=recorder, channel=AuditChannel.COMMAND, **changed
        )
    return infant


def seed(log) -> None:
    for slug, _name, _time_zone in DEMO_CLINICS:
        clinic = Clinic.objects.get(slug=slug)
        recorder = _recorder(clinic)
        infants = [_infant(clinic, index, recorder) for index in range(len(INFANTS))]
        # parent1 cares for the twins (the first two infants); each other infant has its own.
        families = [infants[:2]] + [[infant] for infant in infants[2:]]
        for number, children in enumerate(families, start=1):
            email = f"parent{number}@{slug}.example"
            caregiver = _caregiver(email, f"Parent of {children[0].family_name}")
            for child in children:
                guardianship_link(
                    infant=child,
                    caregiver=caregiver,
                    relationship="mother",
                    linked_by=recorder,
                    channel=AuditChannel.COMMAND,
                )
            names = ", ".join(child.given_name for child in children)
            log(f"  {email:<34} {'Caregiver':<14} {names}")
        for index, entries in LOGS.items():
            infant = infants[index]
            if infant.milestone_entries.exists():
                continue
            for milestone, status, day in entries:
                milestone_record(
                    infant=infant,
                    recorded_by=recorder,
                    milestone=milestone,
                    status=MilestoneStatus(status),
                    observed_on=min(infant.born_on + timedelta(days=day), timezone.localdate()),
                    channel=AuditChannel.COMMAND,
                )
