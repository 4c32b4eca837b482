from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup into a new, empty database and the media storage, then verify every "
        "table's row count and every media checksum against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="a folder written by manage.py backup")
        parser.add_argument("--database-url", required=True, help="the new, empty database")
        parser.add_argument("--media-root", help="restore local media here (default MEDIA_ROOT)")

    def handle(self, *args, source, database_url, media_root=None, **options):
        try:
            found = backup_restore(
                Path(source),
                database_url=database_url,
                media_root=Path(media_root) if media_root else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored and verified {found['tables']} tables ({found['rows']} rows) and "
            f"{found['media_files']} media files"
        )
