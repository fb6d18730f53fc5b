"""What a backup needs from each database engine: a consistent dump streamed out, row counts of
that same state, an emptiness check, and a restore streamed in.

SQLite: the online backup API copies the live database (WAL included) into a private temporary
file, which is then streamed. PostgreSQL: a REPEATABLE READ transaction exports its snapshot,
counts rows in it, and pg_dump (custom format) dumps exactly that snapshot; pg_restore reads the
dump from a pipe in one transaction.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .crypto import BackupError

READ_SIZE = 1 << 20
Sink = Callable[[bytes], None]


@dataclass
class DumpResult:
    counts: dict[str, int]
    tool: str


def engine_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- SQLite ------------------------------------------------------------------------------------


def sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    # bandit B608: the names come from the database's own catalog and are quoted as identifiers.
    count = "SELECT COUNT(*) FROM {}"
    return {name: conn.execute(count.format(_quote(name))).fetchone()[0] for name in names}  # nosec B608


def sqlite_dump(source: sqlite3.Connection, sink: Sink, *, work_dir: Path) -> DumpResult:
    """Copy the live database with the online backup API, then stream the copy zlib-compressed
    into `sink`. Counts come from the copy, so they describe exactly what was dumped."""
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="backup-") as private:
        copy_path = Path(private) / "copy.sqlite3"
        copy = sqlite3.connect(copy_path)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            counts = sqlite_counts(copy)
        finally:
            copy.close()
        compressor = zlib.compressobj(6)
        with copy_path.open("rb") as copied:
            while chunk := copied.read(READ_SIZE):
                sink(compressor.compress(chunk))
        sink(compressor.flush())
    return DumpResult(counts=counts, tool=f"sqlite {sqlite3.sqlite_version}")


def sqlite_target_path(settings_dict: dict[str, Any]) -> Path:
    name = str(settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("Restore needs a database file, not an in-memory database.")
    return Path(name)


def sqlite_check_empty(path: Path) -> None:
    if not path.exists():
        return
    conn = sqlite3.connect(path)
    try:
        tables = sqlite_counts(conn)
    finally:
        conn.close()
    if tables:
        raise BackupError(
            f"Restore goes only into an empty database, and {path} has {len(tables)} tables. "
            "Point DATABASE_URL at a new file (or move this one away) and run restore again."
        )


def sqlite_restore(path: Path, chunks: Iterable[bytes]) -> dict[str, int]:
    """Decompress the dump next to the target, check it, and copy it in with the backup API.
    Returns the target's counts after the restore."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix="restore-") as private:
        staged = Path(private) / "staged.sqlite3"
        decompressor = zlib.decompressobj()
        with staged.open("wb") as out:
            for chunk in chunks:
                out.write(decompressor.decompress(chunk))
            out.write(decompressor.flush())
        source = sqlite3.connect(staged)
        target = sqlite3.connect(path)
        try:
            _sqlite_integrity(source, what="the backup")
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
            _sqlite_integrity(target, what="the restored database")
            return sqlite_counts(target)
        finally:
            source.close()
            target.close()


def _sqlite_integrity(conn: sqlite3.Connection, *, what: str) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"SQLite integrity check of {what} failed: {'; '.join(result[:5])}")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise BackupError(f"{what.capitalize()} has {len(broken)} rows with a broken foreign key.")


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_connect(settings_dict: dict[str, Any], *, autocommit: bool = False):
    import psycopg
    from psycopg.conninfo import make_conninfo

    options = settings_dict.get("OPTIONS") or {}
    params = {
        "dbname": settings_dict.get("NAME") or "",
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "sslmode": options.get("sslmode"),
    }
    try:
        conninfo = make_conninfo("", **{k: v for k, v in params.items() if v})
        return psycopg.connect(conninfo, autocommit=autocommit)
    except psycopg.Error as exc:
        raise BackupError(
            f"Cannot connect to PostgreSQL database {params['dbname']!r}: {exc}"
        ) from exc


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore, passed in the environment (not argv, where
    other users could read a password)."""
    env = dict(os.environ)
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _pg_tables(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
        "AND schemaname NOT LIKE 'pg_toast%' ORDER BY schemaname, tablename"
    )
    return list(cursor.fetchall())


def _pg_counts(cursor) -> dict[str, int]:
    counts = {}
    for schema, table in _pg_tables(cursor):
        # bandit B608: schema and table come from pg_tables and are quoted as identifiers.
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(schema)}.{_quote(table)}")  # nosec B608
        label = table if schema == "public" else f"{schema}.{table}"
        counts[label] = cursor.fetchone()[0]
    return counts


def _tool_major(path: str) -> int | None:
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)", out)  # "pg_dump (PostgreSQL) 15.20 (Debian ...)" -> 15
    return int(match.group(1)) if match else None


def pg_tool(name: str, *, server_major: int, bin_dir: str = "") -> tuple[str, int]:
    """The newest `name` (pg_dump, pg_restore) whose major version is at least the server's:
    BACKUP_PG_BIN_DIR first, then /usr/lib/postgresql/<version>/bin, then PATH."""
    candidates: list[str] = []
    if bin_dir:
        candidates.append(str(Path(bin_dir) / name))
    versioned = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    versioned.sort(key=lambda p: int(re.sub(r"\D", "", Path(p).parts[-3]) or 0), reverse=True)
    candidates += versioned
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    seen = []
    for candidate in candidates:
        if not os.access(candidate, os.X_OK):
            continue
        major = _tool_major(candidate)
        seen.append(f"{candidate} ({major or '?'})")
        if major is not None and major >= server_major:
            return candidate, major
    raise BackupError(
        f"No {name} of version {server_major} or newer (the server's) was found"
        + (f"; found {', '.join(seen)}" if seen else "")
        + f". Install postgresql-client-{server_major} or set BACKUP_PG_BIN_DIR."
    )


def pg_dump(settings_dict: dict[str, Any], sink: Sink, *, bin_dir: str = "") -> DumpResult:
    """Dump (custom format) the snapshot in which the rows were counted."""
    import psycopg

    conn = _pg_connect(settings_dict)
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        server_major = conn.info.server_version // 10000
        tool, major = pg_tool("pg_dump", server_major=server_major, bin_dir=bin_dir)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            _run_streaming_out(
                [tool, "--format=custom", f"--snapshot={snapshot}", "--no-password"],
                env=_pg_env(settings_dict),
                sink=sink,
            )
        conn.rollback()
    finally:
        conn.close()
    return DumpResult(counts=counts, tool=f"pg_dump {major} (server {server_major})")


def _run_streaming_out(argv: list[str], *, env: dict[str, str], sink: Sink) -> None:
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, env=env)
        assert process.stdout is not None
        try:
            while chunk := process.stdout.read(READ_SIZE):
                sink(chunk)
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            message = errors.read(4000).decode(errors="replace").strip()
            raise BackupError(f"{Path(argv[0]).name} failed (exit {code}): {message}")


def pg_check_empty(settings_dict: dict[str, Any]) -> int:
    """Raises BackupError unless the database has no tables. Returns the server's major version."""
    conn = _pg_connect(settings_dict, autocommit=True)
    try:
        with conn.cursor() as cursor:
            tables = _pg_tables(cursor)
        server_major = conn.info.server_version // 10000
    finally:
        conn.close()
    if tables:
        raise BackupError(
            f"Restore goes only into an empty database, and {settings_dict.get('NAME')!r} has "
            f"{len(tables)} tables. Create a new database (createdb), point DATABASE_URL at it "
            "and run restore again."
        )
    return server_major


def pg_restore(
    settings_dict: dict[str, Any], chunks: Iterable[bytes], *, bin_dir: str = ""
) -> dict[str, int]:
    """Feed the dump to pg_restore (one transaction, stop at the first error). Returns the
    target's counts afterwards."""
    server_major = pg_check_empty(settings_dict)
    tool, _ = pg_tool("pg_restore", server_major=server_major, bin_dir=bin_dir)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [
                tool,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--no-password",
                "--dbname",
                str(settings_dict["NAME"]),
            ],
            stdin=subprocess.PIPE,
            stderr=errors,
            stdout=subprocess.DEVNULL,
            env=_pg_env(settings_dict),
        )
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # pg_restore stopped: its exit code says why
            for chunk in chunks:
                process.stdin.write(chunk)
            process.stdin.close()
        code = process.wait()
        if code != 0:
            errors.seek(0)
            message = errors.read(4000).decode(errors="replace").strip()
            raise BackupError(f"pg_restore failed (exit {code}): {message}")
    conn = _pg_connect(settings_dict, autocommit=True)
    try:
        with conn.cursor() as cursor:
            return _pg_counts(cursor)
    finally:
        conn.close()
