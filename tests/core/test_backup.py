"""`recoverypath backup` / `restore`: encrypted, verified, into an empty database only."""

from __future__ import annotations

import io
import sqlite3
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from recoverypath.accounts.models import User
from recoverypath.clients.models import Client
from recoverypath.core.backup import (
    BackupError,
    BackupKeyError,
    backup_inspect,
    backup_restore,
    generate_key,
)
from recoverypath.core.models import AuditEvent


@pytest.fixture
def key(settings):
    settings.BACKUP_KEY = generate_key()
    return settings.BACKUP_KEY


def _backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    return out.getvalue()


def _sqlite_target(path: Path) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_into_an_empty_file_with_equal_counts(cast, key, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip")
    backup = tmp_path / "site.rpbackup"
    assert "Backup written" in _backup(backup)
    assert backup.stat().st_mode & 0o777 == 0o600

    manifest, counts = backup_restore(
        backup, settings_dict=_sqlite_target(tmp_path / "restored.sqlite3"), key=key
    )
    assert counts == manifest.tables
    assert manifest.engine == "sqlite"
    assert manifest.tables["accounts_user"] == User.objects.count() == 7
    assert manifest.tables["clients_client"] == Client.objects.count() == 3
    restored = sqlite3.connect(tmp_path / "restored.sqlite3")
    names = {row[0] for row in restored.execute("SELECT last_name FROM clients_client")}
    restored.close()
    assert "Quillfeather" in names
    event = AuditEvent.objects.get(object_type="core.backup")
    assert event.action == "export"


@pytest.mark.django_db(transaction=True)
def test_the_backup_file_reveals_nothing_without_the_key(cast, key, tmp_path):
    backup = tmp_path / "site.rpbackup"
    _backup(backup)
    raw = backup.read_bytes()
    for plain in (
        b"client@test.example.org",
        b"Quillfeather",
        b"clients_client",
        b"monitoring_checkin",
        b"SQLite format 3",
        b"PGDMP",
        b"CREATE TABLE",
    ):
        assert plain not in raw
    assert raw.startswith(b"RPBACKUP")


@pytest.mark.django_db(transaction=True)
def test_a_wrong_key_fails_with_a_clear_message(cast, key, tmp_path, settings):
    backup = tmp_path / "site.rpbackup"
    _backup(backup)
    settings.BACKUP_KEY = generate_key()
    with pytest.raises(CommandError, match="cannot be decrypted with BACKUP_KEY"):
        call_command("restore", str(backup), "--check")
    with pytest.raises(BackupKeyError, match="cannot be decrypted with BACKUP_KEY"):
        backup_restore(
            backup,
            settings_dict=_sqlite_target(tmp_path / "restored.sqlite3"),
            key=settings.BACKUP_KEY,
        )
    assert not (tmp_path / "restored.sqlite3").exists()


@pytest.mark.django_db(transaction=True)
def test_a_rotated_key_list_still_reads_old_backups(cast, key, tmp_path, settings):
    backup = tmp_path / "site.rpbackup"
    _backup(backup)
    settings.BACKUP_KEY = f"{generate_key()},{key}"
    out = io.StringIO()
    call_command("restore", str(backup), "--check", stdout=out)
    assert "intact" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_altered_or_truncated_file_is_refused(cast, key, tmp_path):
    backup = tmp_path / "site.rpbackup"
    _backup(backup)
    raw = backup.read_bytes()

    altered = tmp_path / "altered.rpbackup"
    flipped = bytearray(raw)
    flipped[-20] ^= 0x01  # inside the last part (the manifest)
    altered.write_bytes(bytes(flipped))
    with pytest.raises(BackupError, match=r"integrity check|damaged"):
        backup_inspect(altered, key=key)

    truncated = tmp_path / "truncated.rpbackup"
    last_part = len(raw) - _last_part_size(raw)
    truncated.write_bytes(raw[:last_part])
    with pytest.raises(BackupError, match="incomplete"):
        backup_inspect(truncated, key=key)

    with pytest.raises(BackupError, match="not a RecoveryPath backup"):
        (tmp_path / "other.bin").write_bytes(b"hello")
        backup_inspect(tmp_path / "other.bin", key=key)


def _last_part_size(raw: bytes) -> int:
    position, last = 10, 0
    while position < len(raw):
        size = int.from_bytes(raw[position : position + 4], "big")
        last = 4 + size
        position += last
    return last


@pytest.mark.django_db(transaction=True)
def test_restore_goes_only_into_an_empty_database(cast, key, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite here; the PostgreSQL round trip checks its own target")
    backup = tmp_path / "site.rpbackup"
    _backup(backup)
    busy = tmp_path / "busy.sqlite3"
    conn = sqlite3.connect(busy)
    conn.execute("CREATE TABLE something (id integer)")
    conn.close()
    with pytest.raises(BackupError, match="only into an empty database"):
        backup_restore(backup, settings_dict=_sqlite_target(busy), key=key)


def test_generate_key_prints_a_new_fernet_key():
    out = io.StringIO()
    call_command("backup", "--generate-key", stdout=out)
    key = out.getvalue().strip()
    Fernet(key)  # a valid key
    again = io.StringIO()
    call_command("backup", "--generate-key", stdout=again)
    assert again.getvalue().strip() != key


@pytest.mark.django_db(transaction=True)
def test_without_a_key_nothing_is_written(cast, settings, tmp_path):
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        _backup(tmp_path / "site.rpbackup")
    assert not (tmp_path / "site.rpbackup").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_an_empty_database_with_equal_counts(cast, key, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL round trip")
    import psycopg

    backup = tmp_path / "site.rpbackup"
    _backup(backup)
    assert b"PGDMP" not in backup.read_bytes()

    source = connection.settings_dict
    scratch = f"{source['NAME'].removeprefix('test_')}_restore_{uuid.uuid4().hex[:8]}"
    admin = {
        k: v
        for k, v in {
            "host": source.get("HOST"),
            "port": source.get("PORT"),
            "user": source.get("USER"),
            "password": source.get("PASSWORD"),
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        manifest, counts = backup_restore(
            backup, settings_dict={**source, "NAME": scratch}, key=key
        )
        assert manifest.engine == "postgresql"
        assert counts == manifest.tables
        assert manifest.tables["accounts_user"] == User.objects.count() == 7
        assert manifest.tables["clients_client"] == 3
        with psycopg.connect(dbname=scratch, **admin) as conn:
            names = {row[0] for row in conn.execute("SELECT last_name FROM clients_client")}
        assert "Quillfeather" in names
        with pytest.raises(BackupError, match="only into an empty database"):
            backup_restore(backup, settings_dict={**source, "NAME": scratch}, key=key)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
