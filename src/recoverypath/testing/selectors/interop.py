"""What interop reads of testing: one client's whole test record (FHIR), the testing windows a
client has been told of (calendar feed), and compliance per client (the staff CSV export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from recoverypath.clients.models import Client
from recoverypath.core.timezones import local_today

from ..models import Collection, TestSelection
from .clients import TestRow, collection_list, settings_for, test_rows


@dataclass
class ClientTestRecord:
    """Every test of one client, newest first, judged as the staff page judges them, with the
    BrAC threshold they were judged by."""

    rows: list[TestRow]
    brac_threshold: Decimal


def test_record_for_client(*, client: Client) -> ClientTestRecord:
    """All of the client's collections with their current and past results and verdicts (the
    FHIR mapping reads this). Three queries, whatever the number of tests."""
    threshold = settings_for(program=client.program).brac_threshold
    rows = test_rows(collections=collection_list(client=client), threshold=threshold)
    return ClientTestRecord(rows=rows, brac_threshold=threshold)


def selections_for_calendar(*, client: Client, since: datetime) -> list[TestSelection]:
    """The client's testing windows closing at or after `since` that the client has been told
    of: random and for-cause tests from their day on (never before: a random test is announced on
    its day), scheduled ones as soon as they exist. Excused ones are kept (the calendar shows
    them cancelled). One query."""
    today = local_today(client.program.time_zone)
    return list(
        TestSelection.objects.filter(client=client, window_closes_at__gte=since)
        .filter(Q(kind=TestSelection.Kind.SCHEDULED) | Q(date__lte=today))
        .select_related("program")
        .order_by("window_opens_at", "id")
    )


@dataclass
class ClientCompliance:
    """A client's testing over a period: tests asked (excused ones left out), given, no-shows,
    excused, and every collection (random or not)."""

    selected: int = 0
    collected: int = 0
    no_shows: int = 0
    excused: int = 0
    tests: int = 0

    @property
    def compliance(self) -> int | None:
        due = self.collected + self.no_shows
        return round(self.collected / due * 100) if due else None


def compliance_by_client(
    *, client_ids: list[int], start: date, end: date, zone: str = "UTC"
) -> dict[int, ClientCompliance]:
    """{client_id: ClientCompliance} over the local days `start`..`end` (inclusive), counted as
    the program report counts them (excused tests are not asked). Two queries for any number of
    clients; clients without tests are absent."""
    out: dict[int, ClientCompliance] = {}
    if not client_ids:
        return out
    for client_id, status, n in (
        TestSelection.objects.filter(client_id__in=client_ids, date__gte=start, date__lte=end)
        .values_list("client_id", "status")
        .annotate(n=Count("id"))
    ):
        row = out.setdefault(client_id, ClientCompliance())
        row.selected += n if status != TestSelection.Status.EXCUSED else 0
        if status == TestSelection.Status.COLLECTED:
            row.collected += n
        elif status == TestSelection.Status.NO_SHOW:
            row.no_shows += n
        elif status == TestSelection.Status.EXCUSED:
            row.excused += n
    tz = ZoneInfo(zone)
    first = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    last = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    for client_id, n in (
        Collection.objects.filter(
            client_id__in=client_ids, collected_at__gte=first, collected_at__lt=last
        )
        .values_list("client_id")
        .annotate(n=Count("id"))
    ):
        out.setdefault(client_id, ClientCompliance()).tests += n
    return out
