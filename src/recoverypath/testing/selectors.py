"""Reads for testing: policies, selections, collections with their results, the client's streak
of negative tests, aftercare adherence counts, and the program report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client
from recoverypath.clients.selectors import client_for_user_account
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.params import Reach
from recoverypath.core.timezones import local_today

from .catalog import ANALYTES
from .models import (
    AnalyteResult,
    Collection,
    PrescribedMedication,
    SelectionDraw,
    TestingPolicy,
    TestingSettings,
    TestPanel,
    TestSelection,
    Validity,
)
from .permissions import can_read_testing, can_view_program_testing

# --- Scoping ---------------------------------------------------------------------------------


def _scope(user) -> Q:
    """Rows of clients in programs where `user` coordinates, or of the user's own record."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    q = Q(client__program_id__in=program_ids)
    own = client_for_user_account(user=user) if not program_ids else None
    if own is not None:
        q |= Q(client_id=own.id)
    return q


def policy_queryset_for_user(*, user) -> QuerySet[TestingPolicy]:
    return (
        TestingPolicy.objects.filter(_scope(user))
        .select_related("client", "panel", "program")
        .order_by("-start_date", "-id")
    )


def selection_queryset_for_user(*, user) -> QuerySet[TestSelection]:
    return (
        TestSelection.objects.filter(_scope(user))
        .select_related("client", "program")
        .order_by("-date", "-id")
    )


def _results_prefetch() -> Prefetch:
    return Prefetch(
        "results",
        queryset=AnalyteResult.objects.order_by("analyte", "id"),
        to_attr="all_results",
    )


def collection_queryset_for_user(*, user) -> QuerySet[Collection]:
    return (
        Collection.objects.filter(_scope(user))
        .select_related("client", "panel", "selection")
        .prefetch_related(_results_prefetch())
        .order_by("-collected_at", "-id")
    )


def _get(queryset, *, user, pk: int, what: str):
    """One row by id for `user`: 404 when its client is not visible, 403 when visible but not
    readable (front desk); an audited read."""
    row = queryset.filter(pk=pk).select_related("client").first()
    if row is None:
        base = queryset.model.objects.filter(pk=pk).select_related("client").first()
        if base is not None and permissions.can_view_client(user, base.client):
            raise PermissionDenied(f"You cannot read this client's {what}.")
        raise Http404(f"No such {what}.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=row,
        client_id=row.client_id,
        organization_id=row.client.organization_id,
    )
    return row


def policy_get(*, user, policy_id: int) -> TestingPolicy:
    return _get(policy_queryset_for_user(user=user), user=user, pk=policy_id, what="policy")


def selection_get(*, user, selection_id: int) -> TestSelection:
    return _get(selection_queryset_for_user(user=user), user=user, pk=selection_id, what="test")


def collection_get(*, user, collection_id: int) -> Collection:
    return _get(
        collection_queryset_for_user(user=user), user=user, pk=collection_id, what="collection"
    )


def result_get(*, user, result_id: int) -> AnalyteResult:
    result = (
        AnalyteResult.objects.filter(pk=result_id)
        .select_related("collection", "collection__client", "collection__panel")
        .first()
    )
    if result is None or not permissions.can_view_client(user, result.collection.client):
        raise Http404("No such result.")
    if not can_read_testing(user, result.collection.client):
        raise PermissionDenied("You cannot read this client's results.")
    return result


# --- One client ------------------------------------------------------------------------------


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
        .prefetch_related(_results_prefetch())
        .order_by("-collected_at", "-id")
    )


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


def panel_queryset_for_user(*, user) -> QuerySet[TestPanel]:
    """Active panels a user may name: the standard ones and those of programs they coordinate."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    return TestPanel.objects.filter(
        Q(program=None) | Q(program_id__in=program_ids), active=True
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


# --- Other apps ------------------------------------------------------------------------------


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


def latest_draw(*, program: Program) -> SelectionDraw | None:
    return SelectionDraw.objects.filter(program=program).order_by("-date").first()


def confirmations_awaited(*, user) -> QuerySet[AnalyteResult]:
    """Presumptive positives sent to the lab and not confirmed yet, in programs `user`
    coordinates (the to-do list)."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    return (
        AnalyteResult.objects.filter(
            collection__client__program_id__in=program_ids,
            current=True,
            stage=AnalyteResult.Stage.PRESUMPTIVE,
            sent_for_confirmation_at__isnull=False,
        )
        .select_related("collection__client")
        .order_by("sent_for_confirmation_at", "id")
    )


# --- Program report --------------------------------------------------------------------------


@dataclass
class WeekRow:
    week: date  # Monday
    selected: int = 0
    collected: int = 0
    no_shows: int = 0
    excused: int = 0
    tests: int = 0  # every collection, random or not

    @property
    def compliance(self) -> int | None:
        due = self.collected + self.no_shows
        return round(self.collected / due * 100) if due else None


@dataclass
class AnalyteRow:
    analyte: str
    tested: int = 0
    positive: int = 0
    expected: int = 0

    @property
    def label(self) -> str:
        return ANALYTES[self.analyte].label if self.analyte in ANALYTES else self.analyte

    @property
    def positivity(self) -> float | None:
        return round(self.positive / self.tested * 100, 1) if self.tested else None


@dataclass
class ProgramReport:
    program: Program
    start: date
    end: date
    weeks: list[WeekRow] = field(default_factory=list)
    analytes: list[AnalyteRow] = field(default_factory=list)
    breath_tests: int = 0
    breath_positive: int = 0

    @property
    def selected(self) -> int:
        return sum(w.selected for w in self.weeks)

    @property
    def collected(self) -> int:
        return sum(w.collected for w in self.weeks)

    @property
    def no_shows(self) -> int:
        return sum(w.no_shows for w in self.weeks)

    @property
    def tests(self) -> int:
        return sum(w.tests for w in self.weeks)

    @property
    def compliance(self) -> int | None:
        due = self.collected + self.no_shows
        return round(self.collected / due * 100) if due else None

    @property
    def tests_per_week(self) -> float:
        return round(self.tests / len(self.weeks), 1) if self.weeks else 0.0


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def program_report(*, user, program: Program, start: date, end: date) -> ProgramReport:
    """Tests per week, compliance (shows / selections whose window has closed) and positivity
    by analyte (unexpected positives among current results) over `start`..`end`, in 4 queries
    whatever the size of the program. PermissionDenied below coordinator."""
    if not can_view_program_testing(user, program.id):
        raise PermissionDenied("The testing report is for the program's coordinators and up.")
    report = ProgramReport(program=program, start=start, end=end)
    weeks: dict[date, WeekRow] = {}
    monday = _monday(start)
    while monday <= end:
        weeks[monday] = WeekRow(monday)
        monday += timedelta(days=7)
    for day, status, n in (
        TestSelection.objects.filter(program=program, date__gte=start, date__lte=end)
        .values_list("date", "status")
        .annotate(n=Count("id"))
    ):
        row = weeks[_monday(day)]
        row.selected += n if status != TestSelection.Status.EXCUSED else 0
        if status == TestSelection.Status.COLLECTED:
            row.collected += n
        elif status == TestSelection.Status.NO_SHOW:
            row.no_shows += n
        elif status == TestSelection.Status.EXCUSED:
            row.excused += n
    zone = ZoneInfo(program.time_zone)
    first = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    last = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    in_period = Collection.objects.filter(
        program=program, collected_at__gte=first, collected_at__lt=last
    )
    settings = settings_for(program=program)
    for day, specimen, n, high in (
        in_period.annotate(day=TruncDate("collected_at", tzinfo=zone))
        .values_list("day", "specimen_type")
        .annotate(n=Count("id"), high=Count("id", filter=Q(brac__gte=settings.brac_threshold)))
    ):
        weeks[_monday(day)].tests += n
        if specimen == "breath":
            report.breath_tests += n
            report.breath_positive += high
    by_analyte: dict[str, AnalyteRow] = {}
    for analyte, outcome, expected, n in (
        AnalyteResult.objects.filter(collection__in=in_period, current=True)
        .values_list("analyte", "outcome", "expected")
        .annotate(n=Count("id"))
    ):
        row = by_analyte.setdefault(analyte, AnalyteRow(analyte))
        row.tested += n
        if outcome == AnalyteResult.Outcome.POSITIVE:
            if expected:
                row.expected += n
            else:
                row.positive += n
    report.weeks = list(weeks.values())
    report.analytes = sorted(by_analyte.values(), key=lambda r: r.label)
    return report


def report_programs(*, user) -> QuerySet[Program]:
    return Program.objects.filter(
        id__in=permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    ).order_by("name")


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
        .prefetch_related(_results_prefetch())
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


# What a panel or test (selection) id in a request body may name: the caller's panels and the
# tests of clients within their reach.
PANELS = Reach(TestPanel, lambda user: panel_queryset_for_user(user=user))
SELECTIONS = Reach(TestSelection, lambda user: selection_queryset_for_user(user=user))


# --- Other apps: interop (FHIR mapping, calendar feed, CSV export) ---------------------------


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
