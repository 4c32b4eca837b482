"""Move the clinic to a ruleset: re-assess every infant in care with it.

In care means an open concern (a standing from a routine visit up, or an unanswered alert) or an
episode in the last 14 days. Each batch is requested through the ordinary assessment request rows,
drained by the Celery task (or in-process without a broker), and waited for before the next, so a
rise in triage raises its alert and the caregivers' advice as any new assessment does. An infant
whose latest assessment already uses the ruleset is skipped: a stopped run continues where it
ended and a second run finds nothing to do.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.models import Assessment, AssessmentTrigger, TriageAlert
from assessments.selectors import infants_due_for_ruleset, infants_in_care
from assessments.services import RULESETS_AVAILABLE, reassessment_request
from patients.models import AssessmentRequest

POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = (
        "Re-assess with RULESET every infant with an open concern or an episode in the last "
        "14 days, in batches through the Celery workflow (resumable, idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ruleset", required=True, choices=RULESETS_AVAILABLE)
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument(
            "--timeout",
            type=float,
            default=600,
            help="seconds to wait for a batch to be assessed before stopping (rerun to continue)",
        )

    def handle(self, *args, ruleset, batch_size, timeout, **options):
        started = timezone.now()
        clock = time.monotonic()
        in_care = infants_in_care(now=started).count()
        due = list(infants_due_for_ruleset(ruleset, now=started))
        done = 0
        self._progress(done, len(due), clock)
        for start in range(0, len(due), batch_size):
            batch = due[start : start + batch_size]
            reassessment_request(infants=batch, ruleset=ruleset)
            self._wait_for(batch, timeout, done, len(due), clock)
            done += len(batch)
            self._progress(done, len(due), clock)
        sys.stderr.write("\n")
        made = Assessment.objects.filter(
            trigger=AssessmentTrigger.RULESET_CHANGE,
            ruleset_version=ruleset,
            created_at__gte=started,
        )
        rose = sum(
            1 for assessment in made.only("triage", "previous_triage") if assessment.triage_rose
        )
        alerts = TriageAlert.objects.filter(assessment__in=made).count()
        self.stdout.write(
            f"{in_care} infants in care; {in_care - len(due)} already on ruleset {ruleset}; "
            f"{made.count()} re-assessed in {time.monotonic() - clock:.1f} s; "
            f"triage rose for {rose}; {alerts} alerts raised and caregivers advised"
        )

    def _wait_for(self, batch, timeout: float, done: int, total: int, clock: float) -> None:
        deadline = time.monotonic() + timeout
        waiting = AssessmentRequest.objects.filter(infant__in=batch)
        while (left := waiting.count()) > 0:
            if time.monotonic() > deadline:
                sys.stderr.write("\n")
                raise CommandError(
                    f"{left} infants of this batch are still waiting to be assessed (is a worker "
                    "running?); their requests stay queued for the sweep. Run again to continue."
                )
            self._progress(done + len(batch) - left, total, clock)
            time.sleep(POLL_SECONDS)

    def _progress(self, done: int, total: int, clock: float) -> None:
        width = 40
        filled = int(width * done / total) if total else width
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} infants "
            f"{time.monotonic() - clock:.0f} s"
        )
        sys.stderr.flush()
