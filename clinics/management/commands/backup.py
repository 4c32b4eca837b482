from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, backup_create, default_backup_dir


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and the media, with a checksummed manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination", nargs="?", help="an empty folder (default var/backups/<time>)"
        )
        parser.add_argument("--database-url", help="the database to back up (default DATABASE_URL)")

    def handle(self, *args, destination=None, database_url=None, **options):
        target = Path(destination) if destination else default_backup_dir()
        try:
            manifest = backup_create(target, database_url=database_url)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = manifest["database"]["row_counts"]
        self.stdout.write(
            f"Backed up {len(counts)} tables ({sum(counts.values())} rows) and "
            f"{len(manifest['media']['files'])} media files to {target}"
        )
