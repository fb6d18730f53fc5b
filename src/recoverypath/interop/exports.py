"""Downloads people ask for, each audited as an export of every client record it holds:
- a client's whole record: the FHIR `$everything` bundle as JSON, and a readable PDF;
- staff reports as CSV (reports.py, the `csv exports` hook): caseload, scores, gap in care, the
  coordinator dashboard, testing compliance.
Reports read through the owning apps' selectors, with the same access as their pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from recoverypath.assessments.instruments import REGISTRY as INSTRUMENTS
from recoverypath.clients.selectors import client_for_user_account
from recoverypath.core.audit import Action, audit_record_many
from recoverypath.core.hooks.interop import CsvReport, csv_export_get, csv_exports

from .fhir.mapping import RESOURCE_TYPES
from .fhir.record import ClientRecord
from .fhir.service import everything_bundle, patient_record
from .permissions import can_download_report, can_download_report_of_program

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

__all__ = ["RESOURCE_TYPES", "ReportError", "record_json", "record_pdf", "report_csv"]

CHUNK = 200


def audit_exports(*, user: User, clients: Iterable[Client], object_type: str) -> None:
    """One `export` audit event per client, in one INSERT."""
    audit_record_many(
        actor=user,
        action=Action.EXPORT,
        events=[
            {
                "object_type": object_type[:60],
                "object_id": str(client.id),
                "client_id": client.id,
                "organization_id": client.organization_id,
            }
            for client in clients
        ],
    )


# --- The client's own record -------------------------------------------------------------------


def own_record(*, user: User) -> ClientRecord:
    """The logged-in client's record (404 for anyone without one)."""
    client = client_for_user_account(user=user)
    if client is None:
        raise Http404("No client record.")
    return patient_record(user=user, client_id=client.id, resource_type="Observation")


def record_json(*, user: User, base: str) -> bytes:
    record = own_record(user=user)
    body = everything_bundle(record=record, base=base).model_dump_json(indent=1).encode()
    audit_exports(user=user, clients=[record.client], object_type="interop.record.json")
    return body


def record_pdf(*, user: User, request: HttpRequest | None = None) -> bytes:
    """The readable version of the same record, rendered with WeasyPrint."""
    from weasyprint import HTML  # imported late: heavy, and only needed for a download

    record = own_record(user=user)
    client = record.client
    assessments = [
        {
            "assessment": a,
            "name": INSTRUMENTS[a.instrument].name if a.instrument in INSTRUMENTS else a.instrument,
        }
        for a in record.assessments
    ]
    attended = [row for row in record.attendance if row.status in ("present", "late", "left_early")]
    html = render_to_string(
        "interop/record_pdf.html",
        {
            "client": client,
            "generated_at": timezone.now(),
            "episodes": record.episodes,
            "attended": list(reversed(attended)),
            "assessments": assessments,
            "check_ins": record.check_ins,
            "plans": record.aftercare_plans,
            "consents": record.consents,
            "summaries": record.discharge_summaries,
            "types": RESOURCE_TYPES,
        },
        request=request,
    )
    pdf = HTML(string=html).write_pdf()
    audit_exports(user=user, clients=[client], object_type="interop.record.pdf")
    return pdf


# --- Staff reports as CSV ----------------------------------------------------------------------


def reports_for(user: User) -> list[CsvReport]:
    return [r for r in csv_exports.entries() if can_download_report(user, r)]


class ReportError(ValueError):
    """A report request that cannot be answered (a message for the person)."""


def report_csv(*, user: User, key: str, params: dict[str, str]) -> tuple[CsvReport, Iterator[str]]:
    """The report's CSV as an iterator of text chunks (streamed), auditing an export event per
    client as each chunk is written. Http404 for an unknown report or a program that is not
    the user's; ReportError for a bad parameter."""
    report = csv_export_get(key)
    if report is None or not can_download_report(user, report):
        raise Http404("No such report.")
    raw_program = params.get("program", "")
    program_id = None
    if raw_program:
        if not raw_program.isdigit() or len(raw_program) > 18:
            raise ReportError("program: give a program id.")
        program_id = int(raw_program)
        if not can_download_report_of_program(user, report, program_id):
            raise Http404("No such program.")
    if report.needs_program and program_id is None:
        raise ReportError("program: this report is per program; choose one.")
    if report.check is not None:
        try:
            report.check(params)
        except ValueError as exc:
            raise ReportError(str(exc)) from exc
    rows = report.rows(user=user, program_id=program_id, params=params)

    def stream() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(report.header)
        clients: list[Client] = []
        for client, row in rows:
            writer.writerow(row)
            clients.append(client)
            if len(clients) >= CHUNK:
                audit_exports(user=user, clients=clients, object_type=f"interop.report.{key}")
                clients = []
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        if clients:
            audit_exports(user=user, clients=clients, object_type=f"interop.report.{key}")
        yield buffer.getvalue()

    return report, stream()
