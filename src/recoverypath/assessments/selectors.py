"""Reads of assessments: a client's scores, trends and change, what is due, latest bands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse

from recoverypath.care.models import EpisodeOfCare
from recoverypath.clients.models import Client
from recoverypath.clients.selectors import client_list
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today

from .chart import Chart, trend_chart
from .instruments import REGISTRY, Instrument, instrument_get
from .models import Assessment, ScheduleRule
from .schedules import DEFAULT_RULES, Rule, rules_from_rows

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

AFTERCARE_LEVEL = "aftercare"


# ---- clinicians' safety to-dos ----------------------------------------------------------------
def cssrs_requests_for(*, user: User) -> list[Assessment]:
    """PHQ-9s with item 9 above 0 after which nobody has administered the C-SSRS screener, one
    per client (the latest), that `user` owes as the primary clinician (or as a clinician of the
    program when the client has none). One query."""
    from recoverypath.alerts.selectors import clinician_owes_q

    if not permissions.staff_program_ids(user, min_rank=permissions.Rank.CLINICIAN):
        return []
    screened = Assessment.objects.filter(
        client_id=OuterRef("client_id"),
        instrument="C-SSRS-SCREEN",
        administered_at__gte=OuterRef("administered_at"),
    )
    rows = (
        Assessment.objects.filter(clinician_owes_q(user), instrument="PHQ-9", safety_positive=True)
        .filter(~Exists(screened))
        .select_related("client")
        .order_by("client_id", "-administered_at", "-id")
    )
    latest: dict[int, Assessment] = {}
    for row in rows:
        latest.setdefault(row.client_id, row)
    return sorted(latest.values(), key=lambda a: a.administered_at)


# ---- access ---------------------------------------------------------------------------------
def assessment_queryset_for_user(*, user: User) -> QuerySet[Assessment]:
    if not user.is_authenticated or not user.is_active:
        return Assessment.objects.none()
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    scope = Q(client__user_id=user.id)
    if program_ids:
        scope |= Q(client__program_id__in=program_ids)
    return Assessment.objects.filter(scope).select_related("client", "administered_by")


def assessment_get(*, user: User, assessment_id: int) -> Assessment:
    """One assessment the user may see (an audited read), else Http404."""
    assessment = (
        assessment_queryset_for_user(user=user)
        .select_related("client__program", "episode")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=assessment,
        client_id=assessment.client_id,
        organization_id=assessment.client.organization_id,
    )
    return assessment


def assessment_scores(
    *,
    client,
    instrument: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
) -> QuerySet[Assessment]:
    """The client's assessments, oldest first (one query), optionally of one instrument and
    administered in [since, before)."""
    qs = Assessment.objects.filter(client_id=client.id).select_related("administered_by")
    if instrument:
        qs = qs.filter(instrument=instrument)
    if since is not None:
        qs = qs.filter(administered_at__gte=since)
    if before is not None:
        qs = qs.filter(administered_at__lt=before)
    return qs.order_by("administered_at", "id")


def assessment_latest_per_instrument(*, client) -> list[Assessment]:
    """The client's latest assessment of each instrument, newest first. One query."""
    latest = Assessment.objects.filter(
        client_id=client.id, instrument=OuterRef("instrument")
    ).order_by("-administered_at", "-id")
    return list(
        Assessment.objects.filter(client_id=client.id, id=Subquery(latest.values("id")[:1]))
        .select_related("administered_by")
        .order_by("-administered_at", "-id")
    )


# ---- change since intake ----------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    first: int
    latest: int
    delta: int  # latest - first
    reliable_improvement: bool | None  # None: CLINICAL.md gives no threshold
    reliable_deterioration: bool | None
    response: bool | None
    remission: bool | None
    threshold: int | None


def change_since_intake(instrument: Instrument, first: int, latest: int) -> Change:
    """CLINICAL.md's change rules (PHQ-9: fall >= 6, response >= 50%, remission < 5; GAD-7:
    fall >= 4). Instruments without a rule report the difference only."""
    delta = latest - first
    rule = instrument.change
    if rule is None:
        return Change(first, latest, delta, None, None, None, None, None)
    fall = first - latest
    response = None
    if rule.response_fraction is not None:
        response = first > 0 and fall >= first * rule.response_fraction
    remission = None if rule.remission_below is None else latest < rule.remission_below
    return Change(
        first,
        latest,
        delta,
        fall >= rule.reliable_improvement,
        -fall >= rule.reliable_improvement,
        response,
        remission,
        rule.reliable_improvement,
    )


# ---- trends -----------------------------------------------------------------------------------
@dataclass
class Trend:
    instrument: Instrument
    assessments: list[Assessment]
    chart: Chart
    change: Change | None
    latest: Assessment | None


def _series_value(assessment: Assessment, series: str) -> int | None:
    if series == "total":
        return assessment.total
    if series == "risk" and assessment.instrument == "C-SSRS-SCREEN":
        return assessment.band_severity
    value = (assessment.subscales or {}).get(series)
    return value if isinstance(value, int) else None


def client_trends(*, client, zone: str | None = None) -> list[Trend]:
    """One trend per instrument the client has taken, in registry order. One query."""
    zone_info = ZoneInfo(zone or client.time_zone)
    by_code: dict[str, list[Assessment]] = {}
    for assessment in assessment_scores(client=client):
        by_code.setdefault(assessment.instrument, []).append(assessment)
    trends = []
    for code, instrument in REGISTRY.items():
        rows = by_code.get(code)
        if not rows:
            continue
        series: dict[str, list[tuple[datetime, int, str]]] = {}
        for name in instrument.chart_series:
            points = []
            for a in rows:
                value = _series_value(a, name)
                if value is not None:
                    url = reverse(
                        "assessments:detail", kwargs={"client_id": client.id, "assessment_id": a.id}
                    )
                    points.append((a.administered_at.astimezone(zone_info), value, url))
            series[name] = points
        if instrument.total_range:
            value_range = instrument.total_range
        else:
            ranges = [instrument.series_ranges.get(n, (0, 4)) for n in instrument.chart_series]
            value_range = (min(r[0] for r in ranges), max(r[1] for r in ranges))
        thresholds = instrument.chart_thresholds() if instrument.total_range else []
        if instrument.code == "C-SSRS-SCREEN":
            thresholds = [(b.severity, b.label) for b in instrument.bands if b.severity > 0]
        chart = trend_chart(
            title=instrument.short_name,
            series=series,
            value_range=value_range,
            thresholds=thresholds,
        )
        change = None
        totals = [a.total for a in rows if a.total is not None]
        if len(totals) >= 2:
            change = change_since_intake(instrument, totals[0], totals[-1])
        trends.append(Trend(instrument, rows, chart, change, rows[-1]))
    return trends


# ---- due instruments --------------------------------------------------------------------------
@dataclass(frozen=True)
class Due:
    instrument: Instrument
    reason: str
    due_on: date


def schedule_rules(*, program_id: int) -> list[Rule]:
    return schedule_rules_by_program(program_ids=[program_id])[program_id]


def schedule_rules_by_program(*, program_ids) -> dict[int, list[Rule]]:
    """{program_id: its rules, or the defaults when it has none} for every id given. One query."""
    rows: dict[int, list[ScheduleRule]] = {pid: [] for pid in program_ids}
    for row in ScheduleRule.objects.filter(program_id__in=list(rows)).order_by("id"):
        rows[row.program_id].append(row)
    return {pid: rules_from_rows(r) if r else list(DEFAULT_RULES) for pid, r in rows.items()}


def client_phase(*, client) -> tuple[str, EpisodeOfCare | None]:
    """("aftercare" | "iop", the active episode or None). No episode counts as IOP."""
    episode = (
        EpisodeOfCare.objects.filter(client_id=client.id, status=EpisodeOfCare.Status.ACTIVE)
        .order_by("-start_date", "-id")
        .first()
    )
    if episode is not None and episode.level_code == AFTERCARE_LEVEL:
        return "aftercare", episode
    return "iop", episode


def assessments_due(*, client, today: date | None = None) -> list[Due]:
    """What the client should fill in now, per their program's schedule. Four queries.

    1. Rules: the program's own, else the defaults.
    2. Phase: aftercare when the active episode is aftercare, else IOP.
    3. Per rule: due at intake when never taken; due every N days (of the phase) after the last;
       due whenever a safety screen of another instrument is newer than the last one.
    """
    today = today or local_today(client.time_zone)
    zone = ZoneInfo(client.time_zone)
    rules = schedule_rules(program_id=client.program_id)
    phase, _ = client_phase(client=client)
    last = dict(
        Assessment.objects.filter(client_id=client.id)
        .values_list("instrument")
        .annotate(at=Max("administered_at"))
        .values_list("instrument", "at")
    )
    safety = dict(
        Assessment.objects.filter(client_id=client.id, safety_positive=True)
        .values_list("instrument")
        .annotate(at=Max("administered_at"))
        .values_list("instrument", "at")
    )
    due: list[Due] = []
    for rule in rules:
        instrument = REGISTRY.get(rule.instrument)
        if instrument is None:
            continue
        taken = last.get(rule.instrument)
        if rule.after_safety_positive:
            newer = [at for code, at in safety.items() if code != rule.instrument]
            if newer and (taken is None or max(newer) > taken):
                due.append(Due(instrument, "after a positive safety screen", today))
                continue
        if taken is None:
            if rule.at_intake:
                due.append(Due(instrument, "at intake", today))
            continue
        every = rule.aftercare_every_days if phase == "aftercare" else rule.iop_every_days
        if every:
            next_on = taken.astimezone(zone).date() + timedelta(days=every)
            if next_on <= today:
                due.append(Due(instrument, f"every {every} days", next_on))
    return due


def next_due_on(*, client, instrument: str, taken_on: date) -> date | None:
    """When `instrument` is next due after one taken on `taken_on`, or None (not recurring)."""
    phase, _ = client_phase(client=client)
    for rule in schedule_rules(program_id=client.program_id):
        if rule.instrument == instrument:
            every = rule.aftercare_every_days if phase == "aftercare" else rule.iop_every_days
            return taken_on + timedelta(days=every) if every else None
    return None


# ---- latest band per client (caseload) ---------------------------------------------------------
SCORE_SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-severity": ("-latest_severity", "last_name", "first_name", "id"),
    "severity": ("latest_severity", "last_name", "first_name", "id"),
    "-latest": ("-latest_at", "last_name", "id"),
}


def caseload_scores(
    *,
    user: User,
    instrument: str = "PHQ-9",
    band: str = "",
    search: str = "",
    sort: str = "-severity",
) -> QuerySet[Client]:
    """The caseload the user may see, each client annotated with the latest `instrument` result:
    latest_band, latest_total, latest_severity, latest_at, latest_id. Filter by band; sort by
    severity or date. Staff from coordinator up only. A fixed number of queries."""
    instrument_get(instrument)
    latest = Assessment.objects.filter(client_id=OuterRef("pk"), instrument=instrument).order_by(
        "-administered_at", "-id"
    )
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    qs = (
        client_list(user=user, search=search)
        .filter(program_id__in=program_ids)
        .annotate(
            latest_id=Subquery(latest.values("id")[:1]),
            latest_band=Subquery(latest.values("band")[:1]),
            latest_total=Subquery(latest.values("total")[:1]),
            latest_severity=Subquery(latest.values("band_severity")[:1]),
            latest_at=Subquery(latest.values("administered_at")[:1]),
        )
    )
    if band == "none":
        qs = qs.filter(latest_id__isnull=True)
    elif band:
        qs = qs.filter(latest_band=band)
    order = SCORE_SORTS.get(sort, SCORE_SORTS["-severity"])
    first, *rest = order
    if first.lstrip("-") in ("latest_severity", "latest_at"):
        field = F(first.lstrip("-"))
        expr = field.desc(nulls_last=True) if first.startswith("-") else field.asc(nulls_last=True)
        return qs.order_by(expr, *rest)
    return qs.order_by(*order)
