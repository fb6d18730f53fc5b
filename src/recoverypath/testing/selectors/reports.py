"""The program's testing report (tests per week, compliance, positivity by analyte), the
programs a user may report on, and the program's latest draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from recoverypath.accounts.models import Program
from recoverypath.core import permissions

from ..catalog import ANALYTES
from ..models import AnalyteResult, Collection, SelectionDraw, TestSelection
from ..permissions import can_view_program_testing
from .clients import settings_for

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def latest_draw(*, program: Program) -> SelectionDraw | None:
    return SelectionDraw.objects.filter(program=program).order_by("-date").first()


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


MAX_REPORT_DAYS = 731  # two years, a leap day included


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def program_report(*, user: User, program: Program, start: date, end: date) -> ProgramReport:
    """Tests per week, compliance (shows / selections whose window has closed) and positivity
    by analyte (unexpected positives among current results) over `start`..`end`, in 4 queries
    whatever the size of the program. PermissionDenied below coordinator; ValidationError for a
    period that ends before it starts or spans more than two years (`MAX_REPORT_DAYS`)."""
    if not can_view_program_testing(user, program.id):
        raise PermissionDenied("The testing report is for the program's coordinators and up.")
    if end < start:
        raise ValidationError({"end": "The end cannot be before the start."})
    if (end - start).days > MAX_REPORT_DAYS:
        raise ValidationError({"start": "Choose at most two years."})
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
        tally = by_analyte.setdefault(analyte, AnalyteRow(analyte))
        tally.tested += n
        if outcome == AnalyteResult.Outcome.POSITIVE:
            if expected:
                tally.expected += n
            else:
                tally.positive += n
    report.weeks = list(weeks.values())
    report.analytes = sorted(by_analyte.values(), key=lambda r: r.label)
    return report


def report_programs(*, user: User) -> QuerySet[Program]:
    return Program.objects.filter(
        id__in=permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    ).order_by("name")
