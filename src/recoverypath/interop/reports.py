"""The staff reports downloadable as CSV from /exports/, each an entry of the `csv exports` hook
(core/hooks/interop.py) registered by `register_reports()` from interop's AppConfig.ready().
Each reads through the owning app's selectors, with the same access as its page, and yields
(client, cells) rows so the download audits every client it holds as exported."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from recoverypath.assessments.instruments import REGISTRY as INSTRUMENTS
from recoverypath.assessments.selectors import caseload_scores
from recoverypath.clients.selectors import client_list
from recoverypath.core import permissions
from recoverypath.core.hooks.interop import CsvReport, register_csv_export
from recoverypath.discharge.selectors import gap_report
from recoverypath.earlywarning.dashboard import caseload_queryset, caseload_rows
from recoverypath.testing.selectors import compliance_by_client

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

CHUNK = 200


def _name(client: Client) -> list[str]:
    return [client.mrn, client.last_name, client.first_name, client.preferred_name]


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def _caseload_rows(
    *, user: User, program_id: int | None, params: Mapping[str, str]
) -> Iterator[tuple[Client, list[Any]]]:
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


def _scores_rows(
    *, user: User, program_id: int | None, params: Mapping[str, str]
) -> Iterator[tuple[Client, list[Any]]]:
    instrument = params.get("instrument") or "PHQ-9"
    if instrument not in INSTRUMENTS:
        raise ValueError(f"instrument: unknown instrument {instrument!r}")
    qs = caseload_scores(user=user, instrument=instrument)
    if program_id:
        qs = qs.filter(program_id=program_id)
    scored: Any  # a Client annotated with its latest score
    for scored in qs.iterator(chunk_size=CHUNK):
        client = scored
        yield (
            client,
            [
                *_name(client),
                client.program.name,
                instrument,
                "" if scored.latest_total is None else scored.latest_total,
                scored.latest_band or "",
                _iso(scored.latest_at),
            ],
        )


def _gap_rows(
    *, user: User, program_id: int | None, params: Mapping[str, str]
) -> Iterator[tuple[Client, list[Any]]]:
    if program_id is None:
        raise ValueError("program: this report is per program; choose one.")
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


def _dashboard_rows(
    *, user: User, program_id: int | None, params: Mapping[str, str]
) -> Iterator[tuple[Client, list[Any]]]:
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


def _check_scores(params: Mapping[str, str]) -> None:
    if params.get("instrument", "PHQ-9") not in INSTRUMENTS:
        raise ValueError(f"instrument: choose one of {', '.join(INSTRUMENTS)}.")


# --- Testing compliance ----------------------------------------------------------------------

COMPLIANCE_DAYS = 84  # twelve weeks, as the testing report's default period
COMPLIANCE_MAX_DAYS = 731


def _day(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name}: give a date as YYYY-MM-DD.") from None


def compliance_period(params: Mapping[str, str]) -> tuple[date, date]:
    """The report's local days: `start`..`end`, by default the twelve weeks up to today."""
    end = _day(params, "end") or timezone.localdate()
    start = _day(params, "start") or end - timedelta(days=COMPLIANCE_DAYS - 1)
    if end < start:
        raise ValueError("end: the end cannot be before the start.")
    if (end - start).days > COMPLIANCE_MAX_DAYS:
        raise ValueError("start: choose at most two years.")
    return start, end


def _check_compliance(params: Mapping[str, str]) -> None:
    compliance_period(params)


def _compliance_rows(
    *, user: User, program_id: int | None, params: Mapping[str, str]
) -> Iterator[tuple[Client, list[Any]]]:
    """Per client with a test asked or given in the period, in caseload order: tests asked,
    given, no-shows, excused, every test, and compliance (given / given + no-shows), as the
    testing report counts them for the program. Two queries per chunk of clients."""
    start, end = compliance_period(params)
    programs = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    clients = client_list(user=user, program_id=program_id).filter(program_id__in=programs)
    chunk: list[Client] = []
    for client in clients.iterator(chunk_size=CHUNK):
        chunk.append(client)
        if len(chunk) == CHUNK:
            yield from _compliance_chunk(chunk, start, end)
            chunk = []
    yield from _compliance_chunk(chunk, start, end)


def _compliance_chunk(
    clients: list[Client], start: date, end: date
) -> Iterator[tuple[Client, list[Any]]]:
    by_zone: dict[str, list[int]] = defaultdict(list)
    for client in clients:
        by_zone[client.program.time_zone].append(client.id)
    counts = {}
    for zone, ids in by_zone.items():
        counts.update(compliance_by_client(client_ids=ids, start=start, end=end, zone=zone))
    for client in clients:
        row = counts.get(client.id)
        if row is None:
            continue
        yield (
            client,
            [
                *_name(client),
                client.program.name,
                start.isoformat(),
                end.isoformat(),
                row.selected,
                row.collected,
                row.no_shows,
                row.excused,
                row.tests,
                "" if row.compliance is None else row.compliance,
            ],
        )


NAME = ("MRN", "Last name", "First name", "Preferred name")
REPORTS: tuple[CsvReport, ...] = (
    CsvReport(
        "caseload",
        "Caseload",
        permissions.Rank.FRONT_DESK,
        _caseload_rows,
        (*NAME, "Program", "Primary clinician", "Coordinator", "Sobriety date"),
    ),
    CsvReport(
        "scores",
        "Latest scores",
        permissions.Rank.COORDINATOR,
        _scores_rows,
        (*NAME, "Program", "Instrument", "Latest total", "Band", "Administered at"),
        check=_check_scores,
    ),
    CsvReport(
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
    CsvReport(
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
    CsvReport(
        "testing-compliance",
        "Testing compliance",
        permissions.Rank.COORDINATOR,
        _compliance_rows,
        (
            *NAME,
            "Program",
            "From",
            "To",
            "Tests asked",
            "Given",
            "No-shows",
            "Excused",
            "All tests",
            "Compliance %",
        ),
        check=_check_compliance,
    ),
)


def register_reports() -> None:
    """Register interop's reports, in the order the exports page lists them."""
    for index, report in enumerate(REPORTS):
        register_csv_export(report, order=10 * (index + 1))
