"""The coordinator dashboard: the aftercare caseload sorted by risk, and a client's timeline.

The caseload page loads in a fixed number of queries whatever its size: one for the page of
plans (sorted by the plan's stored risk rank and latest warning, see risk.py; the top alert,
alert count, last check-in and next appointment as subqueries of the page's rows only), one
count, one for every sparkline, three for adherence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from recoverypath.aftercare import selectors as aftercare_selectors
from recoverypath.aftercare.selectors import adherence_for_plans
from recoverypath.alerts.selectors import alert_rank_subquery, alerts_active, severity_ranks
from recoverypath.core import permissions
from recoverypath.core.links import id_url
from recoverypath.core.timezones import local_date, local_today
from recoverypath.monitoring import selectors as monitoring_selectors
from recoverypath.monitoring.selectors import check_in_series
from recoverypath.monitoring.sparkline import mood_craving_sparkline

from .models import WarningSign
from .risk import last_warning_subquery

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    from recoverypath.accounts.models import User
    from recoverypath.aftercare.models import AftercarePlan
    from recoverypath.clients.models import Client

    class CaseloadFigures(TypedDict):
        alert_rank: int
        top_alert_reason: str | None
        open_alerts: int
        last_warning: datetime | None
        last_check_in: date | None
        next_appointment: datetime | None

    # A plan of the caseload, as caseload_queryset annotates it.
    CaseloadPlan = WithAnnotations[AftercarePlan, CaseloadFigures]

SPARK_DAYS = 14
SEVERITY_RANK = severity_ranks()
RANK_LABEL = {rank: sev for sev, rank in SEVERITY_RANK.items()}
NO_ALERT = 9


def _severity_rank() -> Case:
    return Case(
        *[When(severity=sev, then=Value(rank)) for sev, rank in SEVERITY_RANK.items()],
        default=Value(NO_ALERT),
        output_field=IntegerField(),
    )


def caseload_queryset(
    *,
    user: User,
    coordinator_id: int | None = None,
    program_id: int | None = None,
    risk: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[CaseloadPlan]:
    """Open aftercare plans in the programs where `user` coordinates, riskiest first:
    open-alert severity, then the most recent warning sign, then the oldest plan."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    # The plan's own program (always its client's, set at start) leads the stored-rank index.
    qs = aftercare_selectors.plans_open_in_programs(program_ids=program_ids).filter(
        program_id__in=program_ids
    )
    alerts = alerts_active().filter(client_id=OuterRef("client_id"))
    # The sort and the risk filters read the stored rank (earlywarning.risk keeps it), so a
    # page is a range scan of the aftercare_plan_risk_order index; the subqueries below run
    # only for the page's rows.
    qs = qs.annotate(
        # What the row shows is read live (for the page's rows only); the order is the stored.
        alert_rank=alert_rank_subquery(client_id=OuterRef("client_id")),
        last_warning=last_warning_subquery(client_id=OuterRef("client_id")),
        top_alert_reason=Subquery(
            alerts.annotate(r=_severity_rank())
            .order_by("r", "-last_raised_at")
            .values("reason")[:1]
        ),
        open_alerts=Coalesce(
            Subquery(
                alerts.order_by().values("client_id").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        last_check_in=monitoring_selectors.check_in_last_date_subquery(
            client_id=OuterRef("client_id")
        ),
        next_appointment=aftercare_selectors.check_in_next_subquery(
            client_id=OuterRef("client_id"), since=timezone.now() - timedelta(hours=12)
        ),
    )
    if coordinator_id:
        qs = qs.filter(Q(coordinator_id=coordinator_id) | Q(client__coordinator_id=coordinator_id))
    if program_id:
        qs = qs.filter(program_id=program_id, client__program_id=program_id)
    if status in aftercare_selectors.OPEN_PLAN_STATUSES:
        qs = qs.filter(status=status)
    if risk == "alerts":
        qs = qs.filter(risk_rank__lt=NO_ALERT)
    elif risk == "high":
        qs = qs.filter(risk_rank__lte=SEVERITY_RANK["high"])
    elif risk == "warning":
        qs = qs.filter(last_warning_at__gte=timezone.now() - timedelta(days=7))
    for word in search.split()[:3]:
        # icontains: on PostgreSQL the clients' trigram indexes (clients migration 0004) serve it.
        qs = qs.filter(
            Q(client__first_name__icontains=word)
            | Q(client__last_name__icontains=word)
            | Q(client__preferred_name__icontains=word)
            | Q(client__mrn__iexact=word)
        )
    return qs.order_by("risk_rank", F("last_warning_at").desc(nulls_last=True), "id")


@dataclass
class CaseloadRow:
    plan: AftercarePlan
    client: Client
    days_sober: int | None
    last_check_in: date | None
    days_since_check_in: int | None
    sparkline: str
    adherence: int | None
    open_alerts: int
    top_severity: str
    top_alert_reason: str
    last_warning: datetime | None
    next_appointment: datetime | None
    # The sparkline's numbers (oldest first, None on a day without a check-in), for the API.
    moods: list[int | None] = field(default_factory=list)
    cravings: list[int | None] = field(default_factory=list)
    # The row's links: the client's record, their timeline, the plan.
    client_url: str = ""
    timeline_url: str = ""
    plan_url: str = ""


def caseload_rows(*, plans: Sequence[CaseloadPlan]) -> list[CaseloadRow]:
    """Decorate a page of plans: one query for all sparklines, three for adherence."""
    if not plans:
        return []
    today_by_client = {p.client_id: local_today(p.client.time_zone) for p in plans}
    end = max(today_by_client.values())
    start = min(today_by_client.values()) - timedelta(days=SPARK_DAYS - 1)
    series = check_in_series(client_ids=list(today_by_client), start=start, end=end)
    adherence = adherence_for_plans(plans=plans)
    rows = []
    for plan in plans:
        client = plan.client
        today = today_by_client[client.id]
        days = [today - timedelta(days=SPARK_DAYS - 1 - i) for i in range(SPARK_DAYS)]
        points = series.get(client.id, {})
        moods = [points[d][0] if d in points else None for d in days]
        cravings = [points[d][1] if d in points else None for d in days]
        spark = mood_craving_sparkline(moods=moods, cravings=cravings)
        last = plan.last_check_in
        rows.append(
            CaseloadRow(
                plan=plan,
                client=client,
                days_sober=client.sobriety_days(),
                last_check_in=last,
                days_since_check_in=(today - last).days if last else None,
                sparkline=spark,
                adherence=adherence[plan.id].percent if plan.id in adherence else None,
                open_alerts=plan.open_alerts,
                top_severity=RANK_LABEL.get(plan.alert_rank, ""),
                top_alert_reason=plan.top_alert_reason or "",
                last_warning=plan.last_warning,
                next_appointment=plan.next_appointment,
                moods=moods,
                cravings=cravings,
                client_url=id_url("clients:detail", client.id),
                timeline_url=id_url("earlywarning:timeline", client.id),
                plan_url=id_url("aftercare:plan", plan.id),
            )
        )
    return rows


@dataclass
class TimelineEntry:
    when: date
    kind: str
    text: str
    severity: str = ""


def client_timeline(*, client: Client, days: int = 180, limit: int = 400) -> list[TimelineEntry]:
    """Everything that happened in the client's aftercare, newest first: check-ins, lapses,
    meetings, coordinator check-ins, logged plan contacts, goal notes, plan changes, warnings.
    Moments are placed on the client's own days, like their check-ins."""
    since = local_today(client.time_zone) - timedelta(days=days)
    entries: list[TimelineEntry] = []
    for c in monitoring_selectors.check_ins_since(client=client, since=since):
        used = f", used {', '.join(c.substances)}" if c.used else ""
        entries.append(
            TimelineEntry(
                c.date,
                "Check-in",
                f"Mood {c.mood}/5, craving {c.craving}/10, sleep {c.sleep_hours} h, "
                f"stress {c.stress}/10{used}",
            )
        )
    for lapse in monitoring_selectors.lapses_since(client=client, since=since):
        restart = {None: "not answered", True: "restarted counter", False: "kept count"}
        entries.append(
            TimelineEntry(
                lapse.date,
                "Lapse",
                f"{lapse.substance} ({restart[lapse.counter_restarted]})",
                "high",
            )
        )
    for m in monitoring_selectors.meetings_since(client=client, since=since):
        entries.append(
            TimelineEntry(
                m.date,
                "Meeting",
                f"{m.get_meeting_type_display()} {m.meeting_name} ({m.get_verification_display()})",
            )
        )
    for ci in aftercare_selectors.check_ins_since(client=client, since=since):
        entries.append(
            TimelineEntry(
                local_date(ci.scheduled_at, client.time_zone),
                "Coordinator check-in",
                f"{ci.get_status_display()}{': ' + ci.note if ci.note else ''}",
                "medium" if aftercare_selectors.check_in_is_missed(ci) else "",
            )
        )
    for contact in aftercare_selectors.contacts_since(client=client, since=since):
        entries.append(
            TimelineEntry(
                contact.date,
                str(contact.component),
                "attended" if contact.attended else "missed",
                "" if contact.attended else "medium",
            )
        )
    for note in aftercare_selectors.goal_notes_since(client=client, since=since):
        entries.append(TimelineEntry(note.date, "Goal", f"{note.goal}: {note.note}"))
    for change in aftercare_selectors.plan_changes_for_client(client=client):
        entries.append(
            TimelineEntry(
                local_date(change.changed_at, client.time_zone),
                "Plan",
                f"{change.to_status}: {change.note}",
            )
        )
    for sign in WarningSign.objects.filter(client=client):
        entries.append(
            TimelineEntry(
                local_date(sign.last_seen_at, client.time_zone),
                "Warning sign",
                sign.reason,
                sign.severity,
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
