"""FHIR Bulk Data Access 2.0 `$export`: kick-off, the worker's run, status, cancel, download,
retention. The worker writes one NDJSON file per resource type, line by line, loading one
client's record at a time (clients read with a chunked iterator), so memory does not grow with
the size of the export.

Who may export what:
- system (`/$export`): the clients of every program where the requester is an admin;
- group (`/Group/{program id}/$export`): that program's clients, for its admins;
- patient (`/Patient/$export`): the clients whose clinical record the requester may read
  (coordinators and up of their programs; a client: their own record), and, for the recipient
  of an active Part 2 consent, the consented categories of the clients it names (only what
  the FHIR API gives them; each client's categories logged as a disclosure).
Anyone else: 403 (no program admin) or 404 (a program that is not theirs).
The rules are interop/permissions.py.
"""

from __future__ import annotations

from ..mapping import RESOURCE_TYPES
from .files import (
    export_cancel,
    export_dir,
    export_file_path,
    export_get,
    export_manifest,
    exports_purge,
    files_dir,
    retention,
)
from .kick_off import NDJSON_FORMATS, export_clients, export_consented, export_kick_off
from .worker import CLIENT_CHUNK, PROGRESS_EVERY, export_run

_files_dir = files_dir  # the name tests and tools know

__all__ = [
    "CLIENT_CHUNK",
    "NDJSON_FORMATS",
    "PROGRESS_EVERY",
    "RESOURCE_TYPES",
    "export_cancel",
    "export_clients",
    "export_consented",
    "export_dir",
    "export_file_path",
    "export_get",
    "export_kick_off",
    "export_manifest",
    "export_run",
    "exports_purge",
    "files_dir",
    "retention",
]
