"""One client's testing: their policies, tests asked and given, medications, what they are asked
to do now, and their tests as a person reads them (verdicts and the streak of negative tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client
from recoverypath.core.timezones import local_today

from ..models import (
    AnalyteResult,
    Collection,
    PrescribedMedication,
    TestingPolicy,
    TestingSettings,
    TestPanel,
    TestSelection,
    Validity,
)


def results_prefetch() -> Prefetch:
    return Prefetch(
        "results",
        queryset=AnalyteResult.objects.order_by("analyte", "id"),
        to_attr="all_results",
    )


def policy_current(*, client: Client) -> TestingPolicy | None:
    return (
        TestingPolicy.objects.filter(client=client, status=TestingPolicy.Status.ACTIVE)
        .select_related("panel")
        .first()
    )


def policy_list(*, client: Client) -> QuerySet[TestingPolicy]:
    return (
        TestingPolicy.objects.filter(client=client)
        .select_related("panel")
        .order_by("-start_date", "-id")
    )


def selection_list(*, client: Client) -> QuerySet[TestSelection]:
    return TestSelection.objects.filter(client=client).order_by("-date", "-id")


def collection_list(*, client: Client) -> QuerySet[Collection]:
    return (
        Collection.objects.filter(client=client)
        .select_related("panel", "selection")
        .prefetch_related(results_prefetch())
        .order_by("-collected_at", "-id")
    )


def policy_of_client(*, client: Client, policy_id: int) -> TestingPolicy:
    """One of the client's policies; Http404 for any other id (another client's included)."""
    policy = policy_list(client=client).filter(pk=policy_id).first()
    if policy is None:
        raise Http404("No such policy for this client.")
    return policy


def selection_of_client(*, client: Client, selection_id: int) -> TestSelection:
    """One of the tests asked of the client; Http404 for any other id."""
    selection = selection_list(client=client).filter(pk=selection_id).first()
    if selection is None:
        raise Http404("No such test for this client.")
    return selection


def collection_of_client(*, client: Client, collection_id: int) -> Collection:
    """One of the client's collections with its results; Http404 for any other id."""
    collection = collection_list(client=client).filter(pk=collection_id).first()
    if collection is None:
        raise Http404("No such collection for this client.")
    return collection


def result_of_client(*, client: Client, result_id: int) -> AnalyteResult:
    """One analyte result of the client's collections; Http404 for any other id."""
    result = (
        AnalyteResult.objects.filter(pk=result_id, collection__client=client)
        .select_related("collection", "collection__client", "collection__panel")
        .first()
    )
    if result is None:
        raise Http404("No such result for this client.")
    return result


def medication_list(*, client: Client) -> QuerySet[PrescribedMedication]:
    return PrescribedMedication.objects.filter(client=client).order_by("-start_date", "-id")


def selections_open(*, client: Client, now: datetime | None = None) -> list[TestSelection]:
    """What the client is asked to do now: selections of today or earlier whose window has not
    closed and that are not collected yet, soonest first."""
    now = now or timezone.now()
    return list(
        TestSelection.objects.filter(
            client=client,
            status=TestSelection.Status.SELECTED,
            window_closes_at__gt=now,
            date__lte=local_today(client.program.time_zone),
        ).order_by("window_opens_at", "id")
    )


def panels_for(*, program_id: int) -> QuerySet[TestPanel]:
    return TestPanel.objects.filter(
        Q(program=None) | Q(program_id=program_id), active=True
    ).order_by("program_id", "name")


def settings_for(*, program: Program) -> TestingSettings:
    return TestingSettings.objects.filter(program=program).first() or TestingSettings(
        program=program
    )


@dataclass
class TestRow:
    """A collection as a person reads it: its current results, history, and a verdict."""

    collection: Collection
    current: list[AnalyteResult]
    history: list[AnalyteResult]
    verdict: str  # negative, positive, expected, pending, invalid, dilute
    result_form: object = None  # set by the staff page

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]


VERDICT_LABELS = {
    "negative": "Negative",
    "positive": "Positive",
    "expected": "Positive, expected (prescribed)",
    "pending": "Awaiting results",
    "invalid": "Specimen not valid",
    "dilute": "Dilute: retest",
}


def verdict(collection: Collection, results: list[AnalyteResult], threshold: Decimal) -> str:
    if collection.validity == Validity.DILUTE:
        return "dilute"
    if collection.validity != Validity.VALID:
        return "invalid"
    if collection.brac is not None and collection.brac >= threshold:
        return "positive"
    if any(r.alarming for r in results):
        return "positive"
    if collection.specimen_type != "breath" and not results:
        return "pending"
    if any(r.expected for r in results):
        return "expected"
    return "negative"


def test_rows(*, collections, threshold: Decimal) -> list[TestRow]:
    rows = []
    for c in collections:
        results = getattr(c, "all_results", None)
        if results is None:
            results = list(c.results.order_by("analyte", "id"))
        current = [r for r in results if r.current]
        history = [r for r in results if not r.current]
        rows.append(TestRow(c, current, history, verdict(c, current, threshold)))
    return rows


@dataclass
class ClientTestingSummary:
    rows: list[TestRow]
    negative_streak: int
    tests: int
    no_shows: int
    selections: int


def client_summary(*, client: Client, limit: int = 50) -> ClientTestingSummary:
    """The client's tests, newest first, and their streak of negative tests: consecutive
    negative (or expected) tests up to the latest, broken by a positive, a specimen that is not
    valid, or a no-show; tests still awaiting results neither count nor break it. 4 queries."""
    threshold = settings_for(program=client.program).brac_threshold
    rows = test_rows(collections=collection_list(client=client)[:limit], threshold=threshold)
    counts = dict(
        TestSelection.objects.filter(client=client)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    no_show_dates = list(
        TestSelection.objects.filter(client=client, status=TestSelection.Status.NO_SHOW)
        .order_by("-window_closes_at")
        .values_list("window_closes_at", flat=True)[:limit]
    )
    events = [(r.collection.collected_at, r.verdict) for r in rows]
    events += [(moment, "no_show") for moment in no_show_dates]
    streak = 0
    for _, outcome in sorted(events, key=lambda e: e[0], reverse=True):
        if outcome == "pending":
            continue
        if outcome in ("negative", "expected"):
            streak += 1
            continue
        break
    return ClientTestingSummary(
        rows=rows,
        negative_streak=streak,
        tests=Collection.objects.filter(client=client).count(),
        no_shows=counts.get(TestSelection.Status.NO_SHOW, 0),
        selections=sum(counts.values()),
    )
