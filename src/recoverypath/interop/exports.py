"""Downloads people ask for, each audited as an export of every client record it holds:
- a client's whole record: the FHIR `$everything` bundle as JSON, and a readable PDF;
- staff reports as CSV: caseload, scores, gap in care, the coordinator dashboard.
Reports read through the owning apps' selectors, with the same access as their pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from recoverypath.assessments.instruments import REGISTRY as INSTRUMENTS
from recoverypath.assessments.selectors import caseload_scores
from recoverypath.clients.models import Client
from recoverypath.clients.selectors import client_list
from recoverypath.core import context, permissions
from recoverypath.core.audit import Action
from recoverypath.core.models import AuditEvent
from recoverypath.discharge.selectors import gap_report
from recoverypath.earlywarning.dashboard import caseload_queryset, caseload_rows

from .fhir.mapping import RESOURCE_TYPES
from .fhir.record import ClientRecord
from .fhir.service import everything_bundle, patient_record

CHUNK = 200


def audit_exports(*, user, clients: Iterable[Client], object_type: str) -> None:
    """One `export` audit event per client, in one INSERT."""
    ctx = context.current()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=user,
                actor_email=user.email,
                action=Action.EXPORT,
                object_type=object_type[:60],
                object_id=str(client.id),
                client_id=client.id,
                organization_id=client.organization_id,
                ip_address=ctx.ip_address,
                user_agent=ctx.user_agent[:300],
                path=ctx.path[:300],
            )
            for client in clients
        ]
    )


# --- The client's own record -------------------------------------------------------------------


def own_record(*, user) -> ClientRecord:
    """The logged-in client's record (404 for anyone without one)."""
    client = Client.objects.filter(user_id=user.id).values_list("id", flat=True).first()
    if client is None:
        raise Http404("No client record.")
    return patient_record(user=user, client_id=client, resource_type="Observation")


def record_json(*, user, base: str) -> bytes:
    record = own_record(user=user)
    body = everything_bundle(record=record, base=base).model_dump_json(indent=1).encode()
    audit_exports(user=user, clients=[record.client], object_type="interop.record.json")
    return body


def record_pdf(*, user, request=None) -> bytes:
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


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    min_rank: permissions.Rank
    rows: Callable[..., Iterator[tuple[Client, list[Any]]]]
    header: tuple[str, ...]
    needs_program: bool = False


def _name(client: Client) -> list[str]:
    return [client.mrn, client.last_name, client.first_name, client.preferred_name]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _caseload_rows(*, user, program_id, params) -> Iterator[tuple[Client, list[Any]]]:
    qs = client_list(user=user, program_id=program_id).filter(
        program_id__in=permissions.staff_program_ids(user)
    )
    for client in qs.iterator(chunk_size=CHUNK):
        yield (
            client,
            [
                *_name(client),
                client.program.name,
                str(client.primary_clinician or ""),
                str(client.coordinator or ""),
                _iso(client.sobriety_date),
            ],
        )


def _scores_rows(*, user, program_id, params) -> Iterator[tuple[Client, list[Any]]]:
    instrument = params.get("instrument") or "PHQ-9"
    if instrument not in INSTRUMENTS:
        raise ValueError(f"instrument: unknown instrument {instrument!r}")
    qs = caseload_scores(user=user, instrument=instrument)
    if program_id:
        qs = qs.filter(program_id=program_id)
    for client in qs.iterator(chunk_size=CHUNK):
        yield (
            client,
            [
                *_name(client),
                client.program.name,
                instrument,
                "" if client.latest_total is None else client.latest_total,
                client.latest_band or "",
                _iso(client.latest_at),
            ],
        )


def _gap_rows(*, user, program_id, params) -> Iterator[tuple[Client, list[Any]]]:
    report = gap_report(user=user, program_id=program_id)
    for row in report.rows:
        client = row.client
        yield (
            client,
            [
                *_name(client),
                _iso(row.plan.graduated_on),
                _iso(row.last_iop_session_on),
                _iso(row.first_aftercare_contact_on),
                "" if row.gap_days is None else row.gap_days,
                "yes" if row.flagged else "no",
            ],
        )


def _dashboard_rows(*, user, program_id, params) -> Iterator[tuple[Client, list[Any]]]:
    plans = caseload_queryset(user=user, program_id=program_id)
    chunk: list = []
    for plan in plans.iterator(chunk_size=CHUNK):
        chunk.append(plan)
        if len(chunk) == CHUNK:
            yield from _dashboard_chunk(chunk)
            chunk = []
    yield from _dashboard_chunk(chunk)


def _dashboard_chunk(plans: list) -> Iterator[tuple[Client, list[Any]]]:
    for row in caseload_rows(plans=plans):
        yield (
            row.client,
            [
                *_name(row.client),
                str(row.plan.coordinator or ""),
                "" if row.days_sober is None else row.days_sober,
                _iso(row.last_check_in),
                "" if row.days_since_check_in is None else row.days_since_check_in,
                "" if row.adherence is None else row.adherence,
                row.open_alerts,
                row.top_severity,
                row.top_alert_reason,
                _iso(row.next_appointment),
            ],
        )


NAME = ("MRN", "Last name", "First name", "Preferred name")
REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        Report(
            "caseload",
            "Caseload",
            permissions.Rank.FRONT_DESK,
            _caseload_rows,
            (*NAME, "Program", "Primary clinician", "Coordinator", "Sobriety date"),
        ),
        Report(
            "scores",
            "Latest scores",
            permissions.Rank.COORDINATOR,
            _scores_rows,
            (*NAME, "Program", "Instrument", "Latest total", "Band", "Administered at"),
        ),
        Report(
            "gap-in-care",
            "Gap in care after graduation",
            permissions.Rank.COORDINATOR,
            _gap_rows,
            (
                *NAME,
                "Graduated on",
                "Last IOP session",
                "First aftercare contact",
                "Gap (days)",
                "Flagged",
            ),
            needs_program=True,
        ),
        Report(
            "dashboard",
            "Aftercare dashboard",
            permissions.Rank.COORDINATOR,
            _dashboard_rows,
            (
                *NAME,
                "Coordinator",
                "Days sober",
                "Last check-in",
                "Days since check-in",
                "Adherence %",
                "Open alerts",
                "Top alert severity",
                "Top alert reason",
                "Next appointment",
            ),
        ),
    )
}


def reports_for(user) -> list[Report]:
    return [r for r in REPORTS.values() if permissions.staff_program_ids(user, min_rank=r.min_rank)]


class ReportError(ValueError):
    """A report request that cannot be answered (a message for the person)."""


def report_csv(*, user, key: str, params: dict[str, str]) -> tuple[Report, Iterator[str]]:
    """The report's CSV as an iterator of text chunks (streamed), auditing an export event per
    client as each chunk is written. Http404 for an unknown report or a program that is not
    the user's; ReportError for a bad parameter."""
    report = REPORTS.get(key)
    if report is None or not permissions.staff_program_ids(user, min_rank=report.min_rank):
        raise Http404("No such report.")
    raw_program = params.get("program", "")
    program_id = None
    if raw_program:
        if not raw_program.isdigit() or len(raw_program) > 18:
            raise ReportError("program: give a program id.")
        program_id = int(raw_program)
        if program_id not in permissions.staff_program_ids(user, min_rank=report.min_rank):
            raise Http404("No such program.")
    if report.needs_program and program_id is None:
        raise ReportError("program: this report is per program; choose one.")
    if key == "scores" and params.get("instrument", "PHQ-9") not in INSTRUMENTS:
        raise ReportError(f"instrument: choose one of {', '.join(INSTRUMENTS)}.")
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
