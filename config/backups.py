"""Backups a clinic can restore: the database as a pg_dump custom-format archive, the media
(every stored file on a local disk; a listing with sizes and ETags for an object-storage bucket,
whose own versioning or replication keeps the bytes), and a manifest with the SHA-256 of every
part, every table's row count and every media file's checksum.

`manage.py backup DIR` writes DIR/manifest.json, DIR/database.dump and DIR/media.tar (or
DIR/media-listing.json). `manage.py restore DIR --database-url URL` checks every checksum
first, restores into that (empty) database and the media storage, then counts every table and
checksums every media file again, and fails unless all of them match the manifest.
"""

import json
import os
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import environ
import psycopg
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from psycopg import sql

from episodes.intake import sha256_of

MANIFEST = "manifest.json"
DATABASE_ARCHIVE = "database.dump"
MEDIA_ARCHIVE = "media.tar"
MEDIA_LISTING = "media-listing.json"


class BackupError(Exception):
    pass


def file_sha256(path: Path) -> str:
    return sha256_of(str(path))


def _libpq(url: str) -> tuple[str, dict]:
    """A libpq connection string and the environment pg_dump/pg_restore need (the password
    travels in PGPASSWORD, never on a command line that `ps` shows)."""
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backups need PostgreSQL (DATABASE_URL=postgres://...)")
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    parts = {
        "dbname": config["NAME"],
        "host": config.get("HOST") or "",
        "port": str(config.get("PORT") or ""),
        "user": config.get("USER") or "",
    }
    conninfo = " ".join(f"{key}={value}" for key, value in parts.items() if value)
    return conninfo, env


def _connect(url: str) -> psycopg.Connection:
    conninfo, env = _libpq(url)
    extra = {"password": env["PGPASSWORD"]} if "PGPASSWORD" in env else {}
    return psycopg.connect(conninfo, **extra)


def _scalar(conn: psycopg.Connection, query: str | sql.Composed) -> Any:
    """The one value a count or a function call answers (always exactly one row)."""
    row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


def _row_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {
        table: _scalar(
            conn, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))
        )
        for table in tables
    }


def database_create_if_missing(url: str) -> None:
    """The restore target is created when it does not exist yet (on the same server)."""
    config = environ.Env.db_url_config(url)
    maintenance = url.rsplit("/", 1)[0] + "/postgres"
    with _connect(maintenance) as conn:
        conn.autocommit = True
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def table_row_counts(url: str) -> dict[str, int]:
    """Every table of the public schema and its exact number of rows."""
    with _connect(url) as conn:
        return _row_counts(conn)


def _media_storage():
    return storages["default"]


def _is_local(storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def _local_media_files(root: Path) -> dict[str, dict]:
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            files[path.relative_to(root).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": file_sha256(path),
            }
    return files


def _bucket_listing(storage) -> dict[str, dict]:
    listing = {}
    prefix = (storage.location or "").strip("/")
    for obj in storage.bucket.objects.filter(Prefix=f"{prefix}/" if prefix else ""):
        name = obj.key[len(prefix) + 1 :] if prefix else obj.key
        listing[name] = {"size": obj.size, "etag": obj.e_tag.strip('"')}
    return listing


def backup_create(destination: Path, *, database_url: str | None = None) -> dict:
    """Write a backup into `destination` (created; must be empty) and return its manifest."""
    database_url = database_url or os.environ.get("DATABASE_URL", "")
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty")
    conninfo, env = _libpq(database_url)
    dump = destination / DATABASE_ARCHIVE
    # The rows are counted in the very snapshot pg_dump archives, so a clinic that goes on
    # working during the backup still gets counts that the restore must reproduce exactly.
    with _connect(database_url) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = _scalar(conn, "SELECT pg_export_snapshot()")
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                f"--dbname={conninfo}",
            ],
            env=env,
            check=True,
        )
        row_counts = _row_counts(conn)
        conn.execute("COMMIT")
    manifest = {
        "format": 1,
        "created_at": datetime.now(UTC).isoformat(),
        "database": {
            "file": DATABASE_ARCHIVE,
            "sha256": file_sha256(dump),
            "row_counts": row_counts,
        },
    }
    storage = _media_storage()
    if _is_local(storage):
        root = Path(storage.location)
        files = _local_media_files(root) if root.exists() else {}
        archive = destination / MEDIA_ARCHIVE
        with tarfile.open(archive, "w") as tar:
            for name in files:
                tar.add(root / name, arcname=name, recursive=False)
        manifest["media"] = {
            "kind": "files",
            "file": MEDIA_ARCHIVE,
            "sha256": file_sha256(archive),
            "files": files,
        }
    else:
        listing = _bucket_listing(storage)
        path = destination / MEDIA_LISTING
        path.write_text(json.dumps(listing, indent=1, sort_keys=True))
        manifest["media"] = {
            "kind": "bucket-listing",
            "bucket": storage.bucket_name,
            "file": MEDIA_LISTING,
            "sha256": file_sha256(path),
            "files": listing,
        }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _check_part(source: Path, part: dict) -> Path:
    path = source / part["file"]
    if not path.exists():
        raise BackupError(f"{part['file']} is missing from the backup")
    if file_sha256(path) != part["sha256"]:
        raise BackupError(f"{part['file']} does not match its checksum: the backup is damaged")
    return path


def backup_restore(source: Path, *, database_url: str, media_root: Path | None = None) -> dict:
    """Restore `source` into the empty database at `database_url` and the media storage (or
    `media_root`), then verify. Returns {"tables": n, "rows": n, "media_files": n}."""
    manifest = json.loads((source / MANIFEST).read_text())
    dump = _check_part(source, manifest["database"])
    media = manifest["media"]
    media_part = _check_part(source, media)
    conninfo, env = _libpq(database_url)
    database_create_if_missing(database_url)
    if table_row_counts(database_url):
        raise BackupError("the target database is not empty: restore into a new database")
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={conninfo}",
            str(dump),
        ],
        env=env,
        check=True,
    )
    counts = table_row_counts(database_url)
    expected = manifest["database"]["row_counts"]
    if counts != expected:
        differing = sorted(
            t for t in set(counts) | set(expected) if counts.get(t) != expected.get(t)
        )
        raise BackupError(f"row counts differ after the restore in: {', '.join(differing)}")
    if media["kind"] == "files":
        root = media_root or Path(_media_storage().location)
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media_part) as tar:
            tar.extractall(root, filter="data")
        found = {
            name: info for name, info in _local_media_files(root).items() if name in media["files"]
        }
    else:
        storage = _media_storage()
        found = {n: i for n, i in _bucket_listing(storage).items() if n in media["files"]}
    if found != media["files"]:
        missing = sorted(set(media["files"]) - set(found))
        changed = sorted(n for n in found if found[n] != media["files"][n])
        raise BackupError(f"media differs after the restore: missing {missing}, changed {changed}")
    return {"tables": len(counts), "rows": sum(counts.values()), "media_files": len(found)}


def default_backup_dir() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / stamp
