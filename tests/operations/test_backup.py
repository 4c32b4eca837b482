"""make backup / make restore: a seeded clinic backed up, restored into a new database and media
folder, has every table's rows and every media file back, byte for byte."""

import io
import json
import subprocess

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from config.backups import file_sha256, table_row_counts
from episodes.models import EpisodeVideo

RESTORE_DB = "tremor_restore_check"


def _url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _drop(name: str) -> None:
    with psycopg.connect(
        _url("postgres").replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def restore_target(postgres):
    name = f"{connection.settings_dict['NAME']}_{RESTORE_DB}"
    _drop(name)
    yield _url(name)
    _drop(name)


@pytest.fixture
def media_root(settings, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    settings.MEDIA_ROOT = str(media)
    return media


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_reproduces_every_row_and_every_media_file(
    restore_target, media_root, tmp_path, measured
):
    call_command("seed_demo", stdout=io.StringIO())
    source_url = _url(connection.settings_dict["NAME"])
    counts = table_row_counts(source_url)
    media = {
        p.relative_to(media_root).as_posix(): file_sha256(p)
        for p in media_root.rglob("*")
        if p.is_file()
    }
    assert EpisodeVideo.objects.count() == 4
    assert len(media) >= 8

    backup_dir = tmp_path / "backup"
    out = io.StringIO()
    call_command("backup", str(backup_dir), database_url=source_url, stdout=out)
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database"]["row_counts"] == counts
    assert {n: f["sha256"] for n, f in manifest["media"]["files"].items()} == media
    assert subprocess.run(
        ["pg_restore", "--list", str(backup_dir / "database.dump")], capture_output=True, check=True
    ).stdout  # a custom-format archive

    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command(
        "restore",
        str(backup_dir),
        database_url=restore_target,
        media_root=str(restored_media),
        stdout=out,
    )
    assert table_row_counts(restore_target) == counts
    assert {
        p.relative_to(restored_media).as_posix(): file_sha256(p)
        for p in restored_media.rglob("*")
        if p.is_file()
    } == media
    non_empty = sum(1 for n in counts.values() if n)
    measured(
        f"restored {len(counts)} tables ({non_empty} with rows, {sum(counts.values())} rows), "
        f"{len(media)} media files; {out.getvalue().strip()}"
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_restored(
    restore_target, media_root, tmp_path
):
    call_command("seed_demo", stdout=io.StringIO())
    backup_dir = tmp_path / "backup"
    call_command(
        "backup",
        str(backup_dir),
        database_url=_url(connection.settings_dict["NAME"]),
        stdout=io.StringIO(),
    )
    with open(backup_dir / "database.dump", "r+b") as fh:
        fh.seek(200)
        fh.write(b"\x00\x01\x02")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command(
            "restore",
            str(backup_dir),
            database_url=restore_target,
            media_root=str(tmp_path / "m"),
            stdout=io.StringIO(),
        )
