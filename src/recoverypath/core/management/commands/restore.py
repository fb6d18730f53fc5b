"""`recoverypath restore FILE`: restore an encrypted backup into an empty database, then verify."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from recoverypath.core.backup import BackupError, backup_inspect, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `recoverypath backup` into an EMPTY database (the one "
        "DATABASE_URL names), then check row counts per table and integrity. `--check` only "
        "decrypts and verifies the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .rpbackup file.")
        parser.add_argument("--database", default="default", help="Django database alias.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Verify the file (key, completeness, checksum) and print its manifest; "
            "restore nothing.",
        )

    def handle(self, *args, file: str, database: str, check: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        try:
            if check:
                manifest = backup_inspect(path, key=settings.BACKUP_KEY)
                self.stdout.write(
                    f"{path}: intact. {manifest.engine} backup made {manifest.created_at} by "
                    f"app {manifest.app_version} ({manifest.tool}); {len(manifest.tables)} "
                    f"tables, {manifest.rows} rows; sha256 {manifest.sha256}"
                )
                return
            connection = connections[database]
            connection.close()  # the restore writes through its own connections
            manifest, counts = backup_restore(
                path,
                settings_dict=connection.settings_dict,
                key=settings.BACKUP_KEY,
                bin_dir=settings.BACKUP_PG_BIN_DIR,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {path} into {connection.settings_dict['NAME']}: {len(counts)} tables, "
            f"{sum(counts.values())} rows, equal to the backup's manifest; "
            f"{_checked(manifest.engine)}.\n"
            f"Backup made {manifest.created_at} by app {manifest.app_version}. Run "
            "`recoverypath migrate` if this version is newer."
        )


def _checked(engine: str) -> str:
    if engine == "sqlite":
        return "SQLite integrity and foreign-key checks passed"
    return "pg_restore re-created and validated every constraint in one transaction"
