"""`python manage.py analyse_video FILE` prints the movement analysis of a video as JSON."""

import json
import os

from django.core.management.base import BaseCommand, CommandError

from episodes import movement
from episodes.services import movement_measure

UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Measure the movement in a video file (frequency, rhythm, amplitude, side, bursts) and "
        "print the result as JSON, as the video pipeline stores it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a video file")

    def handle(self, *args, **options):
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(f"cannot read {path}: no such file", returncode=UNREADABLE)
        try:
            result = movement_measure(path)
        except movement.Unreadable as error:
            raise CommandError(f"cannot analyse {path}: {error}", returncode=UNREADABLE) from error
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
