"""Synthetic load data for the benchmarks: a regional network of clinics, their staff, infants,
caregivers, episodes, assessments, alerts, orders, results, referrals, slots and follow-ups.

Every value comes from a random generator seeded by (seed, clinic number), so the same command
gives the same rows; each clinic is written in one transaction, so a run that stops keeps the
clinics it finished and the next run carries on with the clinics that are missing. On
PostgreSQL rows go in with COPY (psycopg 3 `cursor.copy()`) and ``--jobs N`` writes N clinics at
once, one process and connection each (clinics share nothing but the id sequences, which
``LoadWriter.reserve_ids`` takes under a lock); elsewhere (the SQLite demo, tests) rows go in
with executemany, one clinic after another. Synthetic data only: no name, MRN or address belongs
to anyone.
"""

import json
import multiprocessing
import random
import sys
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, connections, transaction

from assessments.cases import EPISODE_WINDOW, case_from_records
from assessments.engine.vocabulary import UNITS_BY_TEST, codes
from assessments.models import Assessment, TriageAlert
from assessments.services import (
    ASSESSMENT_RULESET,
    infant_standing_fields,
    infants_record_open_triage_alerts,
    ruleset_score,
)
from clinics.models import Clinic, Membership, Role, User
from dashboard.load_data import (
    ADVICE,
    CALM_SHARE,
    CAUSES_FOR_TRIAGE,
    CLINIC_SLUG,
    DEFAULT_ORDERS,
    EPOCH,
    FAMILY_NAMES,
    GIVEN_NAMES,
    ORDERS_FOR_CAUSE,
    PRESENTATION,
    SLOTS_PER_CLINIC,
    STAFF_PER_CLINIC,
    TRIAGE_WEIGHTS,
    UNUSABLE_PASSWORD,
    URGENCY,
    LoadWriter,
    development_at,
    episode_instance,
    seeded_uuid,
)
from episodes.models import (
    AfterEvent,
    Consciousness,
    Episode,
    EyeSigns,
)
from patients.models import Guardianship, Infant
from workups.models import (
    TEST_CATALOGUE,
    FollowUpKind,
    FollowUpTask,
    NeurologySlot,
    OrderStatus,
    Referral,
    ReferralStatus,
    ReferralUrgency,
    Result,
    ResultFlag,
    TestOrder,
)
from workups.services import infants_record_open_critical_alerts, infants_record_open_orders


def _write_clinic(
    job: tuple[int, int, int, int],
    writer: LoadWriter | None = None,
    command: "Command | None" = None,
) -> int:
    """Write one clinic in one transaction; return its number of infants."""
    index, count, episodes_each, seed = job
    with transaction.atomic():
        (command or Command())._clinic(writer or LoadWriter(), index, count, episodes_each, seed)
    return count


class Command(BaseCommand):
    help = "Generate synthetic clinics, infants and episodes for the benchmarks (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--infants", type=int, default=100_000, help="in total")
        parser.add_argument("--episodes-per-infant", type=int, default=10)
        parser.add_argument("--clinics", type=int, default=20)
        parser.add_argument("--seed", type=int, default=20261125)
        parser.add_argument(
            "--small-clinic",
            type=int,
            default=0,
            metavar="INFANTS",
            help="one more clinic of this many infants (the dashboard's scale baseline)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="clinics written at once, each by its own process (PostgreSQL only)",
        )

    def handle(
        self, *args, infants, episodes_per_infant, clinics, seed, small_clinic, jobs, **options
    ):
        writer = LoadWriter()
        per_clinic = [
            infants // clinics + (1 if i < infants % clinics else 0) for i in range(clinics)
        ]
        if small_clinic:
            per_clinic.append(small_clinic)
            clinics += 1
        done = set(
            Clinic.objects.filter(
                slug__in=[CLINIC_SLUG.format(i) for i in range(clinics)]
            ).values_list("slug", flat=True)
        )
        started = time.monotonic()
        total = sum(per_clinic)
        written = sum(n for i, n in enumerate(per_clinic) if CLINIC_SLUG.format(i) in done)
        self._progress(written, total, started)
        pending = [
            (index, per_clinic[index], episodes_per_infant, seed)
            for index in range(clinics)
            if CLINIC_SLUG.format(index) not in done
        ]
        if writer.postgres and jobs > 1 and len(pending) > 1:
            # Forked children must not share the parent's connection: each opens its own.
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(min(jobs, len(pending))) as pool:
                for count in pool.imap_unordered(_write_clinic, pending):
                    written += count
                    self._progress(written, total, started)
        else:
            for job in pending:
                written += _write_clinic(job, writer, self)
                self._progress(written, total, started)
        if writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        sys.stderr.write("\n")
        self.stdout.write(
            f"{total} infants in {clinics} clinics ({len(done)} already there), "
            f"{time.monotonic() - started:.0f} s"
        )

    def _progress(self, written: int, total: int, started: float) -> None:
        width = 40
        filled = int(width * written / total) if total else width
        elapsed = time.monotonic() - started
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {written}/{total} infants {elapsed:.0f} s"
        )
        sys.stderr.flush()

    def _clinic(self, writer: LoadWriter, index: int, count: int, episodes_each: int, seed: int):
        rng = random.Random(f"{seed}:{index}")
        slug = CLINIC_SLUG.format(index)
        (clinic_id,) = writer.reserve_ids(Clinic, 1)
        writer.write(
            Clinic,
            [
                {
                    "id": clinic_id,
                    "uuid": seeded_uuid(rng),
                    "created_at": EPOCH - timedelta(days=900),
                    "name": f"Regional clinic {index + 1:03d}",
                    "slug": slug,
                    "time_zone": "Europe/Berlin",
                }
            ],
        )

        staff: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        staff_by_role: dict[str, list[int]] = {}
        staff_ids = iter(writer.reserve_ids(User, sum(STAFF_PER_CLINIC.values())))
        member_ids = iter(writer.reserve_ids(Membership, sum(STAFF_PER_CLINIC.values())))
        for role, number in STAFF_PER_CLINIC.items():
            for n in range(number):
                user_id = next(staff_ids)
                staff_by_role.setdefault(role, []).append(user_id)
                staff.append(
                    {
                        "id": user_id,
                        "uuid": seeded_uuid(rng),
                        "password": UNUSABLE_PASSWORD,
                        "email": f"{slug}-{role}-{n}@staff.load.test",
                        "full_name": f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}",
                        "is_staff": False,
                        "date_joined": EPOCH - timedelta(days=800),
                    }
                )
                members.append(
                    {
                        "id": next(member_ids),
                        "uuid": seeded_uuid(rng),
                        "created_at": EPOCH - timedelta(days=800),
                        "user_id": user_id,
                        "clinic_id": clinic_id,
                        "role": role,
                    }
                )
        writer.write(User, staff)
        writer.write(Membership, members)
        pediatricians = staff_by_role[Role.PEDIATRICIAN]

        infant_ids = writer.reserve_ids(Infant, count)
        caregiver_ids = writer.reserve_ids(User, count)
        guardianship_ids = writer.reserve_ids(Guardianship, count)
        infants, caregivers, guardianships, standing = [], [], [], []
        weights = [weight for _, weight in TRIAGE_WEIGHTS]
        for n, (infant_id, caregiver_id) in enumerate(zip(infant_ids, caregiver_ids, strict=True)):
            age_days = rng.choice((1, 3, 6, 10, 15, 22, 35, 50, 75, 100, 140, 200, 260, 330))
            born_at = EPOCH - timedelta(days=age_days + rng.random())
            registered_at = born_at + timedelta(hours=rng.randint(2, 48))
            triage, _ = rng.choices(TRIAGE_WEIGHTS, weights)[0]
            cause = rng.choice(CAUSES_FOR_TRIAGE[triage])
            assessed_at = None
            if triage:
                ago = timedelta(hours=rng.uniform(1, 24 * min(age_days, 60)))
                assessed_at = max(EPOCH - ago, registered_at)
            preterm = rng.random() < 0.1
            family_name = rng.choice(FAMILY_NAMES)
            infants.append(
                {
                    "id": infant_id,
                    "uuid": seeded_uuid(rng),
                    "created_at": registered_at,
                    "updated_at": assessed_at or registered_at,
                    "clinic_id": clinic_id,
                    "mrn": f"L{index:03d}-{n:06d}",
                    "given_name": rng.choice(GIVEN_NAMES),
                    "family_name": family_name,
                    "sex": rng.choice(("female", "male")),
                    "born_at": born_at,
                    "born_on": born_at.date(),
                    "gestational_weeks": rng.randint(30, 36) if preterm else rng.randint(37, 41),
                    "gestational_days": rng.randint(0, 6),
                    "birth_weight_g": (
                        rng.randint(1400, 2600) if preterm else rng.randint(2500, 4300)
                    ),
                    # A risk factor would keep a benign presentation from reassurance.
                    "maternal_diabetes": (
                        "none"
                        if triage in ("", "reassure_monitor")
                        else rng.choice(("none", "none", "gestational"))
                    ),
                    "feeding": rng.choice(("breast", "formula", "mixed")),
                    "neuro_exam": json.dumps(rng.choice((["normal"], ["normal"], []))),
                    "assigned_clinician_id": (
                        rng.choice(pediatricians) if rng.random() < 0.6 else None
                    ),
                    **infant_standing_fields(
                        triage=triage, leading_cause=cause, advice=ADVICE[triage], at=assessed_at
                    ),
                }
            )
            caregivers.append(
                {
                    "id": caregiver_id,
                    "uuid": seeded_uuid(rng),
                    "password": UNUSABLE_PASSWORD,
                    "email": f"{slug}-family-{n}@caregiver.load.test",
                    "full_name": f"{rng.choice(GIVEN_NAMES)} {family_name}",
                    "date_joined": registered_at,
                }
            )
            guardianships.append(
                {
                    "id": guardianship_ids[n],
                    "uuid": seeded_uuid(rng),
                    "created_at": registered_at,
                    "infant_id": infant_id,
                    "caregiver_id": caregiver_id,
                    "relationship": rng.choice(("mother", "mother", "father", "guardian")),
                }
            )
            standing.append((infant_id, caregiver_id, registered_at, triage, cause))
        episodes = self._episodes(writer, rng, standing, episodes_each)
        standing, assessments = self._assess(infants, episodes, standing)
        writer.write(Infant, infants)
        writer.write(User, caregivers)
        writer.write(Guardianship, guardianships)
        del infants, caregivers, guardianships
        for start in range(0, len(episodes), 20_000):
            writer.write(Episode, episodes[start : start + 20_000])
        del episodes
        self._workups(writer, rng, clinic_id, standing, staff_by_role, assessments)
        # The dashboard's keys on the infant row, as the alert and order services keep them.
        clinic_infants = Infant.objects.filter(clinic_id=clinic_id)
        infants_record_open_triage_alerts(infants=clinic_infants)
        infants_record_open_critical_alerts(infants=clinic_infants)
        infants_record_open_orders(infants=clinic_infants)

    def _episodes(self, writer, rng, standing, episodes_each: int) -> list[dict]:
        """Each infant's episodes look like its standing's cause; most are calm ones."""
        ids = iter(writer.reserve_ids(Episode, len(standing) * episodes_each))
        rows = []
        for infant_id, caregiver_id, registered_at, triage, cause in standing:
            state, trigger, movement, restraint = PRESENTATION[cause]
            span = max((EPOCH - registered_at).total_seconds(), 3600)
            for _ in range(episodes_each):
                started_at = registered_at + timedelta(seconds=rng.uniform(0, span - 60))
                logged_at = started_at + timedelta(minutes=rng.randint(2, 50))
                calm = rng.random() < CALM_SHARE[triage]
                rows.append(
                    {
                        "id": next(ids),
                        "uuid": seeded_uuid(rng),
                        "created_at": logged_at,
                        "updated_at": logged_at,
                        "infant_id": infant_id,
                        "reported_by_id": caregiver_id,
                        "started_at": started_at,
                        "duration_s": rng.choice((5, 10, 20, 30, 60, 120, 300)),
                        "state": state,
                        "trigger": trigger,
                        "movement_type": movement,
                        "symmetry": "symmetric" if calm else "asymmetric",
                        "stops_with_gentle_restraint": restraint,
                        "clusters": "no" if calm else "unknown",
                        "episodes_per_day": rng.randint(1, 12),
                        "eye_signs": EyeSigns.NONE if calm else rng.choice(EyeSigns.values),
                        "autonomic": "[]" if calm else '["apnea"]',
                        "consciousness": Consciousness.ALERT if calm else Consciousness.UNCLEAR,
                        "after_event": (
                            AfterEvent.BASELINE if calm else AfterEvent.CRIES_THEN_SETTLES
                        ),
                    }
                )
        return rows

    def _assess(self, infants, episodes, standing):
        """Score each assessed infant's last 14 days of episodes with the ruleset new assessments
        use, as the assessment workflow would at that time; its standing is the engine's triage.
        Returns the standing and, by infant, when it was assessed with the case and the result."""
        episodes_of: dict[int, list[dict]] = {}
        for row in episodes:
            episodes_of.setdefault(row["infant_id"], []).append(row)
        assessed, new_standing = {}, []
        for row, (infant_id, caregiver_id, registered_at, triage, cause) in zip(
            infants, standing, strict=True
        ):
            at = row["assessed_at"]
            if not triage:
                new_standing.append((infant_id, caregiver_id, registered_at, triage, cause))
                continue
            infant = Infant(
                id=infant_id,
                born_at=row["born_at"],
                gestational_weeks=row["gestational_weeks"],
                gestational_days=row["gestational_days"],
                birth_weight_g=row["birth_weight_g"],
                maternal_diabetes=row["maternal_diabetes"],
                feeding=row["feeding"],
                neuro_exam=json.loads(row["neuro_exam"]),
            )
            window = sorted(
                (
                    e
                    for e in episodes_of.get(infant_id, [])
                    if at - EPISODE_WINDOW <= e["started_at"] <= at
                ),
                key=lambda e: (e["started_at"], e["id"]),
            )
            case = case_from_records(
                infant=infant,
                episodes=[(episode_instance(e), False) for e in window],
                results=[],
                at=at,
                development=development_at(infant, at),
                ruleset=ASSESSMENT_RULESET,
            )
            result = ruleset_score(case, ruleset=ASSESSMENT_RULESET)
            triage, cause = result["triage"], result.get("leading_cause") or ""
            row.update(
                infant_standing_fields(
                    triage=triage,
                    leading_cause=cause,
                    advice=result.get("caregiver_advice", ""),
                    at=at,
                )
            )
            assessed[infant_id] = (at, case, result)
            new_standing.append((infant_id, caregiver_id, registered_at, triage, cause))
        return new_standing, assessed

    def _workups(self, writer, rng, clinic_id, standing, staff_by_role, assessed) -> None:
        """The assessment of each assessed infant; alerts, orders, results, referrals and nurses'
        follow-ups for those of concern; a neurology clinic's worth of future slots."""
        pediatricians, nurses = staff_by_role[Role.PEDIATRICIAN], staff_by_role[Role.NURSE]
        rows = [row for row in standing if row[0] in assessed]
        assessment_ids = iter(writer.reserve_ids(Assessment, len(rows)))
        assessments, alerts, concerned = [], [], []
        for infant_id, _caregiver_id, _registered_at, triage, cause in rows:
            assessment_id = next(assessment_ids)
            at, case, result = assessed[infant_id]
            assessments.append(
                {
                    "id": assessment_id,
                    "uuid": seeded_uuid(rng),
                    "created_at": at,
                    "updated_at": at,
                    "infant_id": infant_id,
                    "trigger": "new_episode",
                    "input_case": json.dumps(case),
                    "result": json.dumps(result),
                    "ruleset_version": result["ruleset"]["version"],
                    "ruleset_digest": result["ruleset"]["digest"],
                    "triage": triage,
                    "leading_cause": cause,
                }
            )
            if triage in ("routine_visit", "same_day", "emergency"):
                concerned.append((infant_id, assessment_id, at, triage, cause))
            if triage in URGENCY:
                acknowledged = rng.random() < 0.7
                alerts.append(
                    {
                        "uuid": seeded_uuid(rng),
                        "created_at": at,
                        "updated_at": at,
                        "assessment_id": assessment_id,
                        "infant_id": infant_id,
                        "triage": triage,
                        "acknowledged_at": (
                            at + timedelta(minutes=rng.randint(5, 90)) if acknowledged else None
                        ),
                        "acknowledged_by_id": rng.choice(pediatricians) if acknowledged else None,
                    }
                )
        writer.write(Assessment, assessments)
        writer.number(TriageAlert, alerts)
        writer.write(TriageAlert, alerts)

        orders, results, referrals, follow_ups = [], [], [], []
        for infant_id, assessment_id, at, triage, cause in concerned:
            tests = ORDERS_FOR_CAUSE.get(cause, DEFAULT_ORDERS)
            for test in rng.sample(tests, rng.randint(1, len(tests))):
                resulted = rng.random() < 0.6
                orders.append(
                    {
                        "uuid": seeded_uuid(rng),
                        "created_at": at,
                        "updated_at": at,
                        "infant_id": infant_id,
                        "test": test,
                        "priority": "routine" if triage == "routine_visit" else "urgent",
                        "status": rng.choice(
                            (OrderStatus.RESULTED, OrderStatus.REVIEWED)
                            if resulted
                            else (OrderStatus.ORDERED, OrderStatus.SCHEDULED)
                        ),
                        "due_by": at + timedelta(days=2),
                        "assessment_id": assessment_id,
                        "ordered_by_id": rng.choice(pediatricians),
                    }
                )
            if triage in URGENCY or rng.random() < 0.2:
                urgency = URGENCY.get(triage, ReferralUrgency.ROUTINE)
                hours = {"emergency": 1, "same_day": 24}.get(urgency, 24 * 42)
                referrals.append(
                    {
                        "uuid": seeded_uuid(rng),
                        "created_at": at,
                        "updated_at": at,
                        "infant_id": infant_id,
                        "urgency": urgency,
                        "deadline": at + timedelta(hours=hours),
                        "status": rng.choice(
                            (
                                ReferralStatus.BOOKED,
                                ReferralStatus.AWAITING_BOOKING,
                                ReferralStatus.CLOSED,
                            )
                        ),
                        "reason": "Synthetic referral",
                        "assessment_id": assessment_id,
                        "created_by_id": rng.choice(pediatricians),
                    }
                )
            if rng.random() < 0.3:
                done = rng.random() < 0.5
                key = seeded_uuid(rng)
                follow_ups.append(
                    {
                        "uuid": key,
                        "created_at": at,
                        "updated_at": at,
                        "infant_id": infant_id,
                        "kind": rng.choice(FollowUpKind.values),
                        "description": "Synthetic follow-up",
                        "due_at": at + timedelta(days=1),
                        "assignee_id": rng.choice(nurses),
                        "status": "done" if done else "open",
                        "outcome_note": "Reached the family." if done else "",
                        "completed_at": at + timedelta(hours=20) if done else None,
                        "created_by_sweep": "sweep:synthetic",
                        "source_key": f"synthetic:{key}",
                    }
                )
        writer.number(TestOrder, orders)
        for order in orders:
            if order["status"] not in (OrderStatus.RESULTED, OrderStatus.REVIEWED):
                continue
            spec = TEST_CATALOGUE[order["test"]]
            # A value only where the engine knows the test's units (not the critical sample).
            units = codes(UNITS_BY_TEST.get(spec.engine_code, ()))
            study = spec.is_study
            unit = units[0] if units and not study else ""
            value = round(rng.uniform(1.0, 90.0), 1) if unit else None
            results.append(
                {
                    "uuid": seeded_uuid(rng),
                    "created_at": order["created_at"],
                    "updated_at": order["created_at"],
                    "order_id": order["id"],
                    "infant_id": order["infant_id"],
                    "collected_at": order["created_at"],
                    "age_hours_at_collection": rng.uniform(24, 2000),
                    "value": value,
                    "unit": unit,
                    "normalised_value": value,
                    "normalised_unit": unit,
                    "flag": rng.choice(("normal",) * 6 + (ResultFlag.LOW,)) if unit else "",
                    "study_interpretation": "normal" if study else "",
                    "captured_typical_event": False if study else None,
                    "recorded_by_id": order["ordered_by_id"],
                }
            )
        writer.number(Result, results)
        writer.number(Referral, referrals)
        writer.number(FollowUpTask, follow_ups)
        slots = [
            {
                "id": slot_id,
                "uuid": seeded_uuid(rng),
                "created_at": EPOCH,
                "clinic_id": clinic_id,
                "neurologist_name": f"Dr {rng.choice(FAMILY_NAMES)}",
                "location": "Neurology outpatients",
                "starts_at": EPOCH + timedelta(hours=2 + 3 * n),
            }
            for n, slot_id in enumerate(writer.reserve_ids(NeurologySlot, SLOTS_PER_CLINIC))
        ]
        for model, rows in (
            (TestOrder, orders),
            (Result, results),
            (Referral, referrals),
            (FollowUpTask, follow_ups),
            (NeurologySlot, slots),
        ):
            writer.write(model, rows)
