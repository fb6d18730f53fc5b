"""Testing as other apps read it: adherence counts (aftercare), one test's outcome (incentives),
verdict counts (outcomes)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from recoverypath.clients.models import Client

from ..models import Collection, TestSelection
from .clients import collection_list, results_prefetch, settings_for, test_rows


def adherence_counts(*, windows: dict[int, tuple[date, date]]) -> dict[int, tuple[int, int]]:
    """{client_id: (selected, shown)} for the tests asked of each client in their window of
    local days (`windows`: {client_id: (first, last)}, inclusive). Excused tests and tests whose
    window is still open are left out. One query for any number of clients (aftercare's
    adherence reads this)."""
    if not windows:
        return {}
    lo = min(first for first, _ in windows.values())
    hi = max(last for _, last in windows.values())
    rows = (
        TestSelection.objects.filter(client_id__in=list(windows), date__gte=lo, date__lte=hi)
        .filter(Q(status=TestSelection.Status.COLLECTED) | Q(status=TestSelection.Status.NO_SHOW))
        .values_list("client_id", "date", "status")
        .annotate(n=Count("id"))
    )
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for client_id, day, status, n in rows:
        first, last = windows[client_id]
        if not first <= day <= last:
            continue
        out[client_id][0] += n
        if status == TestSelection.Status.COLLECTED:
            out[client_id][1] += n
    return {k: (v[0], v[1]) for k, v in out.items()}


def collection_outcome(*, client: Client, collection_id: int) -> tuple[date, str] | None:
    """(local day collected, verdict) of one of the client's tests, or None when it is not
    theirs (incentives reads this to reward a verified negative test). 2 queries."""
    collection = collection_list(client=client).filter(pk=collection_id).first()
    if collection is None:
        return None
    threshold = settings_for(program=client.program).brac_threshold
    row = test_rows(collections=[collection], threshold=threshold)[0]
    day = collection.collected_at.astimezone(ZoneInfo(client.program.time_zone)).date()
    return day, row.verdict


def verdict_counts(*, client_ids, start: datetime, end: datetime) -> dict[int, tuple[int, int]]:
    """{client_id: (tests resulted, positive)} for collections from `start` to `end` (outcome
    reports read this). Tests awaiting results are left out; an expected (prescribed) positive
    is not a positive. Two queries with their results, for any number of clients."""
    collections = (
        Collection.objects.filter(
            client_id__in=list(client_ids), collected_at__gte=start, collected_at__lt=end
        )
        .select_related("program__testing")
        .prefetch_related(results_prefetch())
    )
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    thresholds: dict[int, Decimal] = {}
    for collection in collections:
        if collection.program_id not in thresholds:
            thresholds[collection.program_id] = settings_for(
                program=collection.program
            ).brac_threshold
        row = test_rows(collections=[collection], threshold=thresholds[collection.program_id])[0]
        if row.verdict == "pending":
            continue
        out[collection.client_id][0] += 1
        if row.verdict in ("positive", "invalid"):
            out[collection.client_id][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}
