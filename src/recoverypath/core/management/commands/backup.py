"""`recoverypath backup`: an encrypted backup of the whole database (see core/backup)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.backup import BackupError, backup_create, generate_key, private_file


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (BACKUP_KEY) of the database: SQLite through the online "
        "backup API, PostgreSQL through pg_dump. `--generate-key` prints a new key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="The file to write (default: BACKUP_DIR/recoverypath-<time>.rpbackup). It must "
            "not exist yet.",
        )
        parser.add_argument("--database", default="default", help="Django database alias.")
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="Print a new BACKUP_KEY and exit. Keep it apart from the backups.",
        )

    def handle(self, *args, output: str | None, database: str, **options):
        if options["generate_key"]:
            self.stdout.write(generate_key())
            return
        connection = connections[database]
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = (
            Path(output) if output else Path(settings.BACKUP_DIR) / f"recoverypath-{stamp}.rpbackup"
        )
        source = None
        if connection.vendor == "sqlite":
            if connection.in_atomic_block:  # the online backup would wait for it forever
                raise CommandError("A backup cannot run inside an open transaction.")
            connection.ensure_connection()
            source = connection.connection
        try:
            out = private_file(path)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists already; choose another --output.") from exc
        try:
            with out:
                manifest = backup_create(
                    settings_dict=connection.settings_dict,
                    out=out,
                    key=settings.BACKUP_KEY,
                    work_dir=Path(settings.VAR_DIR),
                    source=source,
                    bin_dir=settings.BACKUP_PG_BIN_DIR,
                )
        except BackupError as exc:
            path.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        audit_record(
            actor=None,
            action=Action.EXPORT,
            object_type="core.backup",
            object_id=manifest.sha256[:16],
            changes={"file": path.name, "tables": len(manifest.tables), "rows": manifest.rows},
        )
        self.stdout.write(
            f"Backup written: {path} ({path.stat().st_size} bytes, encrypted)\n"
            f"  engine {manifest.engine}, {len(manifest.tables)} tables, {manifest.rows} rows, "
            f"app {manifest.app_version}\n  sha256 of the dump {manifest.sha256}"
        )
