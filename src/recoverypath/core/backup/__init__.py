"""Encrypted backups of the whole database, and restore into an empty one.

A backup file holds, encrypted with BACKUP_KEY (crypto.py), the dump (SQLite: the online-backup
copy, zlib-compressed; PostgreSQL: pg_dump's custom format) followed by a manifest: format,
engine, created time (UTC), app version, rows per table, the SHA-256 and size of the dump, the
last migration of each app, and the tool that made it.

Restore (into an empty database only):
1. read the whole file once: decrypt every part, check order and completeness, the checksum and
   that the engine matches the target (nothing is written before this passes);
2. check that the target has no tables;
3. read the file again, streaming the dump into the database (SQLite: a staged copy, integrity
   checked, then copied in with the backup API; PostgreSQL: pg_restore in one transaction);
4. count rows per table in the target and compare them with the manifest; integrity check.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, BinaryIO

from . import engines
from .crypto import (
    DATA,
    MANIFEST,
    BackupError,
    BackupKeyError,
    EncryptedWriter,
    fernet_from,
    generate_key,
    read_parts,
)

__all__ = [
    "BackupError",
    "BackupKeyError",
    "Manifest",
    "backup_create",
    "backup_inspect",
    "backup_restore",
    "generate_key",
]

FORMAT = "recoverypath-backup/1"


@dataclass
class Manifest:
    engine: str
    created_at: str
    app_version: str
    tables: dict[str, int]
    sha256: str
    size: int
    payload: str
    tool: str
    migrations: dict[str, str] = field(default_factory=dict)
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError(
                    f"This backup has format {data.get('format')!r}; this version reads {FORMAT}."
                )
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise BackupError("The backup's manifest is damaged.") from exc

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def app_version() -> str:
    try:
        return version("recoverypath")
    except PackageNotFoundError:
        return "unknown"


class _Payload:
    """Where the dump goes: checksummed and counted, then encrypted in parts."""

    def __init__(self, writer: EncryptedWriter):
        self.writer = writer
        self.digest = hashlib.sha256()
        self.size = 0

    def __call__(self, data: bytes) -> None:
        if data:
            self.digest.update(data)
            self.size += len(data)
            self.writer.write(data)


def backup_create(
    *,
    settings_dict: dict[str, Any],
    out: BinaryIO,
    key: str,
    work_dir: Path,
    source=None,
    bin_dir: str = "",
) -> Manifest:
    """Write an encrypted backup of the database described by `settings_dict` to `out`.

    `source` is an open sqlite3 connection to copy (SQLite; e.g. Django's own, which also works
    for an in-memory test database). Raises BackupKeyError, BackupError.
    """
    fernet = fernet_from(key)
    engine = engines.engine_of(settings_dict)
    writer = EncryptedWriter(out, fernet)
    payload = _Payload(writer)
    if engine == "sqlite":
        import sqlite3

        own = source is None
        conn = source or sqlite3.connect(engines.sqlite_target_path(settings_dict))
        try:
            result = engines.sqlite_dump(conn, payload, work_dir=work_dir)
        finally:
            if own:
                conn.close()
        payload_format = "sqlite3+zlib"
    else:
        result = engines.pg_dump(settings_dict, payload, bin_dir=bin_dir)
        payload_format = "pg_dump-custom"
    manifest = Manifest(
        engine=engine,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        app_version=app_version(),
        tables=result.counts,
        sha256=payload.digest.hexdigest(),
        size=payload.size,
        payload=payload_format,
        tool=result.tool,
        migrations=_latest_migrations(settings_dict, source),
    )
    writer.finish(manifest.to_json())
    return manifest


def _latest_migrations(settings_dict: dict[str, Any], source) -> dict[str, str]:
    """The last applied migration per app, from the dumped database (best effort)."""
    query = "SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app"
    try:
        if engines.engine_of(settings_dict) == "sqlite":
            import sqlite3

            conn = source or sqlite3.connect(engines.sqlite_target_path(settings_dict))
            rows = conn.execute(query).fetchall()
            if source is None:
                conn.close()
            return dict(rows)
        conn = engines._pg_connect(settings_dict, autocommit=True)
        try:
            with conn.cursor() as cursor:
                cursor.execute(query)
                return dict(cursor.fetchall())
        finally:
            conn.close()
    except Exception:  # no django_migrations table: the manifest just has none
        return {}


def backup_inspect(path: Path, *, key: str) -> Manifest:
    """Decrypt the whole file, check its parts and the dump's checksum against the manifest.
    Returns the manifest. Raises BackupKeyError, BackupError."""
    fernet = fernet_from(key)
    digest = hashlib.sha256()
    size = 0
    manifest_raw = None
    with path.open("rb") as stream:
        for kind, data in read_parts(stream, fernet):
            if kind == DATA:
                digest.update(data)
                size += len(data)
            elif kind == MANIFEST:
                manifest_raw = data
    manifest = Manifest.from_json(manifest_raw or b"")
    if (digest.hexdigest(), size) != (manifest.sha256, manifest.size):
        raise BackupError("The backup's checksum does not match its manifest: the file is damaged.")
    return manifest


def _dump_chunks(path: Path, key: str):
    with path.open("rb") as stream:
        for kind, data in read_parts(stream, fernet_from(key)):
            if kind == DATA:
                yield data


def backup_restore(
    path: Path, *, settings_dict: dict[str, Any], key: str, bin_dir: str = ""
) -> tuple[Manifest, dict[str, int]]:
    """Restore the backup at `path` into the empty database `settings_dict` names, then verify.

    Returns (manifest, counts found after the restore). Raises BackupKeyError, BackupError
    (nothing written when the file, the key, the engine or the emptiness check fails).
    """
    manifest = backup_inspect(path, key=key)
    engine = engines.engine_of(settings_dict)
    if manifest.engine != engine:
        raise BackupError(
            f"This is a {manifest.engine} backup; the target database is {engine}. Restore it "
            f"into a {manifest.engine} database."
        )
    if engine == "sqlite":
        target = engines.sqlite_target_path(settings_dict)
        engines.sqlite_check_empty(target)
        counts = engines.sqlite_restore(target, _dump_chunks(path, key))
    else:
        counts = engines.pg_restore(settings_dict, _dump_chunks(path, key), bin_dir=bin_dir)
    differences = {
        table: (manifest.tables.get(table), counts.get(table))
        for table in sorted(set(manifest.tables) | set(counts))
        if manifest.tables.get(table) != counts.get(table)
    }
    if differences:
        listed = ", ".join(
            f"{t}: {a} in backup, {b} restored" for t, (a, b) in list(differences.items())[:10]
        )
        raise BackupError(f"Row counts after the restore differ from the backup's: {listed}.")
    return manifest, counts


def private_file(path: Path) -> BinaryIO:
    """Open a new file only its owner can read (refusing to overwrite one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")
