"""`python manage.py score_case CASE.json [--ruleset 1.0.0|2.0.0]` (`-` reads standard input)
prints the result; both contracts are accepted (contract 1 is a subset of contract 2)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from assessments.engine import LATEST_RULESET_VERSION, RULESETS, CaseError, score

INVALID_INPUT = 2


class Command(BaseCommand):
    help = "Score a case file with the differentiation engine and print the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the case as JSON; '-' reads standard input")
        parser.add_argument(
            "--ruleset",
            default=LATEST_RULESET_VERSION,
            choices=sorted(RULESETS),
            help=f"the ruleset version to score with (default {LATEST_RULESET_VERSION})",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as error:
            raise CommandError(
                f"cannot read {path}: {error.strerror}", returncode=INVALID_INPUT
            ) from error
        try:
            case = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column"
                f" {error.colno}",
                returncode=INVALID_INPUT,
            ) from error
        try:
            result = score(case, ruleset=options["ruleset"])
        except CaseError as error:
            raise CommandError(f"invalid case: {error}", returncode=INVALID_INPUT) from error
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
