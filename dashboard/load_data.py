"""What the synthetic load data is made of (names, triage and cause weights, presentations, advice,
orders) and how it is written (`LoadWriter`: ids reserved from the sequences, rows by COPY on
PostgreSQL). Used by `manage.py generate_load_data`. Synthetic data only."""

import json
import random
import uuid
from datetime import UTC, datetime

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection

from clinics.models import Role
from episodes.models import (
    Episode,
    MovementType,
    RestraintResponse,
    State,
    Trigger,
)
from patients.development import development_status_derive
from patients.models import TERM_WEEKS, Infant
from workups.models import (
    ReferralUrgency,
)

CLINIC_SLUG = "load-{:03d}"
# Fixed "now" so two runs on different days still give the same rows.
EPOCH = datetime(2026, 11, 1, 12, tzinfo=UTC)
# Django reads a hash starting with "!" as an unusable password: no one signs in with these.
# Generated accounts cannot sign in: Django reads a "!" hash as an unusable password.
UNUSABLE_PASSWORD = UNUSABLE_PASSWORD_PREFIX + "synthetic-account"
STAFF_PER_CLINIC = {Role.CLINIC_ADMIN: 1, Role.PEDIATRICIAN: 6, Role.NURSE: 8}
SLOTS_PER_CLINIC = 120

GIVEN_NAMES = [
    "Ada",
    "Alba",
    "Amir",
    "Ana",
    "Aria",
    "Ben",
    "Bruno",
    "Cara",
    "Cleo",
    "Dan",
    "Dora",
    "Eli",
    "Ella",
    "Emil",
    "Ena",
    "Eva",
    "Felix",
    "Finn",
    "Gia",
    "Hana",
    "Ida",
    "Ilan",
    "Ines",
    "Iris",
    "Ivo",
    "Jana",
    "Jon",
    "Kai",
    "Kira",
    "Lara",
    "Leo",
    "Lia",
    "Lina",
    "Luca",
    "Maja",
    "Mara",
    "Mia",
    "Milo",
    "Nia",
    "Nika",
    "Noa",
    "Noah",
    "Ola",
    "Omar",
    "Otto",
    "Pia",
    "Rafa",
    "Remy",
    "Rosa",
    "Ruby",
    "Sami",
    "Sara",
    "Tara",
    "Teo",
    "Uma",
    "Vera",
    "Yara",
    "Zoe",
]
FAMILY_NAMES = [
    "Abbott",
    "Adler",
    "Alvarez",
    "Baker",
    "Berger",
    "Blom",
    "Brandt",
    "Castro",
    "Costa",
    "Dahl",
    "Diaz",
    "Eder",
    "Engel",
    "Falk",
    "Fischer",
    "Garcia",
    "Graf",
    "Haas",
    "Hahn",
    "Horvat",
    "Huber",
    "Ivanova",
    "Jensen",
    "Kaiser",
    "Keller",
    "Klein",
    "Koch",
    "Krause",
    "Lang",
    "Lehmann",
    "Lindqvist",
    "Lopez",
    "Maier",
    "Marin",
    "Meyer",
    "Moreau",
    "Nagel",
    "Nielsen",
    "Novak",
    "Olsen",
    "Ortiz",
    "Peters",
    "Pohl",
    "Quinn",
    "Ramos",
    "Reyes",
    "Richter",
    "Roth",
    "Sanchez",
    "Schmid",
    "Schulz",
    "Silva",
    "Sommer",
    "Stein",
    "Torres",
    "Vogel",
    "Wagner",
    "Weber",
    "Winter",
    "Wolf",
    "Young",
    "Zimmer",
]

# Where infants stand (most benign) and the causes that go with each level.
TRIAGE_WEIGHTS = (
    ("", 0.04),
    ("reassure_monitor", 0.70),
    ("routine_visit", 0.17),
    ("same_day", 0.07),
    ("emergency", 0.02),
)
CAUSES_FOR_TRIAGE = {
    "": ("",),
    "reassure_monitor": (
        "physiological_jitteriness",
        "physiological_jitteriness",
        "startle_moro",
        "benign_neonatal_sleep_myoclonus",
    ),
    "routine_visit": (
        "benign_nonepileptic_infant_paroxysm",
        "physiological_jitteriness",
        "pathologic_startle_hyperekplexia",
    ),
    "same_day": ("hypocalcemia", "hypoglycemia", "neonatal_or_focal_seizure"),
    "emergency": ("neonatal_or_focal_seizure", "infantile_spasms", "hypoglycemia"),
}
# The answers a caregiver gives for each cause, so episodes look like their infant's standing.
PRESENTATION = {
    "physiological_jitteriness": (
        State.AWAKE_CRYING_OR_HANDLED,
        Trigger.CRYING_OR_HUNGER,
        MovementType.FINE_TREMOR,
        RestraintResponse.YES,
    ),
    "startle_moro": (
        State.AWAKE_CALM,
        Trigger.SUDDEN_NOISE_OR_MOVEMENT,
        MovementType.STARTLE_MORO,
        RestraintResponse.NOT_TRIED,
    ),
    "benign_neonatal_sleep_myoclonus": (
        State.ASLEEP,
        Trigger.NONE,
        MovementType.MYOCLONIC_JERKS,
        RestraintResponse.NO,
    ),
    "benign_nonepileptic_infant_paroxysm": (
        State.AWAKE_CALM,
        Trigger.EXCITEMENT,
        MovementType.SHUDDERING,
        RestraintResponse.PARTIALLY,
    ),
    "pathologic_startle_hyperekplexia": (
        State.AWAKE_CALM,
        Trigger.HANDLING_OR_TOUCH,
        MovementType.STARTLE_MORO,
        RestraintResponse.NO,
    ),
    "hypocalcemia": (
        State.AWAKE_CALM,
        Trigger.NONE,
        MovementType.COARSE_TREMOR,
        RestraintResponse.PARTIALLY,
    ),
    "hypoglycemia": (
        State.FEEDING,
        Trigger.FEEDING,
        MovementType.COARSE_TREMOR,
        RestraintResponse.PARTIALLY,
    ),
    "neonatal_or_focal_seizure": (
        State.AWAKE_CALM,
        Trigger.NONE,
        MovementType.RHYTHMIC_CLONIC_JERKS,
        RestraintResponse.NO,
    ),
    "infantile_spasms": (
        State.ON_WAKING,
        Trigger.WAKING,
        MovementType.SPASM_LIKE_FLEXION_EXTENSION,
        RestraintResponse.NO,
    ),
    "": (State.AWAKE_CALM, Trigger.NONE, MovementType.UNSPECIFIED_JERKING, RestraintResponse.NO),
}
# How many of an infant's episodes are calm ones, by where it stands: a benign standing has
# benign episodes only, a concerning one some with eye signs or apnea.
CALM_SHARE = {
    "": 0.9,
    "reassure_monitor": 1.0,
    "routine_visit": 0.95,
    "same_day": 0.75,
    "emergency": 0.5,
}
ADVICE = {
    "": "",
    "reassure_monitor": "This looks like normal newborn movement. Log any new episode.",
    "routine_visit": "Please book a routine visit with the clinic.",
    "same_day": "Please have your baby seen by a doctor today.",
    "emergency": "Go to the emergency department now.",
}
ORDERS_FOR_CAUSE = {
    "hypocalcemia": ("ionized_calcium", "magnesium", "vitamin_d_25oh"),
    "hypoglycemia": ("glucose_plasma", "critical_sample"),
    "neonatal_or_focal_seizure": ("video_eeg", "glucose_plasma", "ionized_calcium"),
    "infantile_spasms": ("video_eeg", "mri_brain"),
}
DEFAULT_ORDERS = ("eeg", "glucose_point_of_care", "total_calcium")
URGENCY = {"same_day": ReferralUrgency.SAME_DAY, "emergency": ReferralUrgency.EMERGENCY}


def seeded_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class LoadWriter:
    """Reserves primary keys and writes rows (dicts by column; a column left out takes the
    field's default): COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self._reserved: dict[str, int] = {}

    def reserve_ids(self, model, count: int) -> list[int]:
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                # nextval then setval is two steps: a session-level advisory lock per table keeps
                # another writer's reservation from landing between them (sequences ignore
                # transactions, so the lock is released at once, not at commit).
                cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [table])
                try:
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                        " nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                        [table, table, count],
                    )
                    last = cursor.fetchone()[0]
                finally:
                    cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [table])
            else:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
                last = max(cursor.fetchone()[0], self._reserved.get(table, 0)) + count
                self._reserved[table] = last
        return list(range(last - count + 1, last + 1))

    def number(self, model, rows: list[dict]) -> None:
        """Give each row a reserved primary key (rows that others point to need one first)."""
        for row, row_id in zip(rows, self.reserve_ids(model, len(rows)), strict=True):
            row["id"] = row_id

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        fields = model._meta.concrete_fields
        pairs = [(field.attname, _default(field)) for field in fields]
        table = model._meta.db_table
        names = ", ".join(f'"{field.column}"' for field in fields)
        values = (tuple(row.get(column, default) for column, default in pairs) for row in rows)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for value in values:
                        copy.write_row(value)
                return
            prepared = [
                tuple(
                    value
                    if field.get_internal_type() == "JSONField"
                    else field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row, strict=True)
                )
                for row in values
            ]
            marks = ", ".join(["%s"] * len(fields))
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - model names
            cursor.executemany(insert, prepared)


def episode_instance(row: dict) -> Episode:
    """An unsaved episode of a generated row, for the case builder."""
    values = {
        name: json.loads(value) if name in ("autonomic", "associated") else value
        for name, value in row.items()
    }
    return Episode(**values)


def development_at(infant: Infant, at: datetime) -> str:
    age_days = (at - infant.born_at).days
    early_days = max(0, TERM_WEEKS * 7 - infant.gestation_total_days) if infant.is_preterm else 0
    return development_status_derive(
        age_days=age_days, effective_age_days=age_days - early_days, entries=[], today=at.date()
    )


def _default(field):
    if getattr(field, "auto_now", False):
        return EPOCH
    value = field.get_default()
    if field.get_internal_type() == "JSONField":
        return json.dumps(value)
    if isinstance(value, uuid.UUID):
        return None  # a generated uuid is always given: the same seed gives the same ids
    return value
