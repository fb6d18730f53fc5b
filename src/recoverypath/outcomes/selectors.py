"""Reads for outcome reports: one row of facts per client of the program, gathered in a fixed
number of set-based queries (never a query per client), then `figures.compute`.

Other stages are read through their models here the way their own selectors read earlier apps
(aftercare's adherence reads monitoring's meetings), except testing's verdicts and adherence,
which come from testing's selectors."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from recoverypath.accounts.models import Program
from recoverypath.aftercare.models import ComponentContact, CoordinatorCheckIn
from recoverypath.assessments.models import Assessment
from recoverypath.care import levels
from recoverypath.care.models import EpisodeOfCare
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.params import Reach
from recoverypath.discharge.models import DischargePlan, Referral
from recoverypath.monitoring.models import CheckIn, Lapse
from recoverypath.scheduling.models import Attendance
from recoverypath.testing.selectors import adherence_counts, verdict_counts

from .figures import INSTRUMENTS, ClientFacts, Figures, compute
from .permissions import can_view_outcomes

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User

    from .warnings import ClientHistory, Performance

ATTENDED = ("present", "late", "left_early")
LOOKAHEAD = timedelta(days=210)  # 6-month follow-up window
LONGEST_PERIOD_DAYS = 366 * 5


def report_programs(*, user: User | AnonymousUser) -> QuerySet[Program]:
    ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.ADMIN)
    return Program.objects.filter(id__in=ids).order_by("name")


def report_read_audit(
    *, user: User, program: Program, object_type: str, start: date, end: date, export: bool = False
) -> None:
    """The one audit event of a report read (page, CSV or API): who read which program's figures
    over which period. A report names no client, so the event names the program."""
    audit_record(
        actor=user,
        action=Action.EXPORT if export else Action.READ,
        object_type=object_type,
        object_id=str(program.id),
        organization_id=program.organization_id,
        changes={"start": start.isoformat(), "end": end.isoformat()},
    )


# What a program id of a report request may name: the programs the caller is an admin of.
REPORT_PROGRAMS = Reach(Program, lambda user: report_programs(user=user))


def period_check(start: date, end: date) -> None:
    """A report's period: start on or before end, at most five years. Raises ValidationError."""
    if start > end:
        raise ValidationError("The period starts after it ends.")
    if (end - start).days > LONGEST_PERIOD_DAYS:
        raise ValidationError("Choose a period of at most five years.")


def _span(first: date, last: date | None, start: date, end: date) -> int:
    lo, hi = max(first, start), min(last or end, end)
    return max((hi - lo).days + 1, 0)


def client_facts(*, program: Program, start: date, end: date) -> list[ClientFacts]:
    """One row per client with an IOP or aftercare episode of the program that overlaps the
    period (or ended in it). 13 queries whatever the number of clients."""
    zone = ZoneInfo(program.time_zone)
    episodes = list(
        EpisodeOfCare.objects.filter(
            program=program,
            status__in=[EpisodeOfCare.Status.ACTIVE, EpisodeOfCare.Status.FINISHED],
            start_date__lte=end,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .filter(Q(level_code__in=levels.IOP_LEVELS) | Q(level_code=levels.AFTERCARE))
        .order_by("start_date", "id")
    )
    facts: dict[int, ClientFacts] = {}
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    iop_ids = {}
    for ep in episodes:
        row = facts.setdefault(ep.client_id, ClientFacts(client_id=ep.client_id))
        spans[ep.client_id].append((ep.start_date, ep.end_date))
        if ep.level_code in levels.IOP_LEVELS:  # the latest IOP episode wins
            row.iop_start, row.iop_end = ep.start_date, ep.end_date
            iop_ids[ep.client_id] = ep.id
        else:
            row.aftercare_start, row.aftercare_end = ep.start_date, ep.end_date
    if not facts:
        return []
    ids = list(facts)
    for plan in DischargePlan.objects.filter(episode_id__in=list(iop_ids.values())).only(
        "client_id", "status", "last_iop_session_on"
    ):
        row = facts[plan.client_id]
        row.graduated = plan.status == DischargePlan.Status.GRADUATED
        row.last_iop_session = plan.last_iop_session_on
    sessions: dict[int, date] = {}
    for client_id, starts_at in Attendance.objects.filter(
        client_id__in=ids, status__in=ATTENDED, session__program=program
    ).values_list("client_id", "session__starts_at"):
        day = starts_at.astimezone(zone).date()
        row = facts[client_id]
        iop_first, iop_last = row.iop_start, row.iop_end
        if iop_first is not None and iop_last is not None and iop_first <= day <= iop_last:
            sessions[client_id] = max(sessions.get(client_id, day), day)
    for client_id, day in sessions.items():
        if facts[client_id].last_iop_session is None:
            facts[client_id].last_iop_session = day
    for client_id, day in ComponentContact.objects.filter(
        component__plan__client_id__in=ids, attended=True
    ).values_list("component__plan__client_id", "date"):
        facts[client_id].aftercare_contacts.append(day)
    for client_id, moment in CoordinatorCheckIn.objects.filter(
        client_id__in=ids, status=CoordinatorCheckIn.Status.ATTENDED
    ).values_list("client_id", "scheduled_at"):
        facts[client_id].aftercare_contacts.append(moment.astimezone(zone).date())
    for client_id, attended_on in Referral.objects.filter(
        client_id__in=ids, status=Referral.Status.ATTENDED, attended_on__isnull=False
    ).values_list("client_id", "attended_on"):
        if attended_on is not None:  # filtered out above; narrowed here for the type
            facts[client_id].aftercare_contacts.append(attended_on)
    lo = datetime.combine(start - timedelta(days=45), time(), tzinfo=zone)
    hi = datetime.combine(end + LOOKAHEAD, time(), tzinfo=zone)
    for client_id, instrument, moment, total in Assessment.objects.filter(
        client_id__in=ids,
        instrument__in=INSTRUMENTS,
        total__isnull=False,
        administered_at__gte=lo,
        administered_at__lt=hi,
    ).values_list("client_id", "instrument", "administered_at", "total"):
        if total is not None:  # filtered out above; narrowed here for the type
            facts[client_id].scores.setdefault(instrument, []).append(
                (moment.astimezone(zone).date(), total)
            )
    enrolled_days: dict[int, set[date]] = {}
    for client_id, client_spans in spans.items():
        days: set[date] = set()
        for first, last in client_spans:
            lo_day, hi_day = max(first, start), min(last or end, end)
            days.update(lo_day + timedelta(n) for n in range(max((hi_day - lo_day).days + 1, 0)))
        enrolled_days[client_id] = days
        facts[client_id].enrolled_days = len(days)
    for client_id, day in CheckIn.objects.filter(
        client_id__in=ids, date__gte=start, date__lte=end
    ).values_list("client_id", "date"):
        if day in enrolled_days[client_id]:
            facts[client_id].check_in_days += 1
    for client_id, day in Lapse.objects.filter(
        client_id__in=ids, date__gte=start, date__lte=end
    ).values_list("client_id", "date"):
        if day in enrolled_days[client_id]:
            facts[client_id].lapses += 1
    for client_id, (asked, given) in adherence_counts(
        windows={client_id: (start, end) for client_id in ids}
    ).items():
        facts[client_id].tests_asked, facts[client_id].tests_given = asked, given
    for client_id, (resulted, positive) in verdict_counts(
        client_ids=ids,
        start=datetime.combine(start, time(), tzinfo=zone),
        end=datetime.combine(end + timedelta(days=1), time(), tzinfo=zone),
    ).items():
        facts[client_id].tests_resulted, facts[client_id].tests_positive = resulted, positive
    return [facts[k] for k in sorted(facts)]


def outcome_report(
    *, user: User, program_id: int, start: date, end: date
) -> tuple[Program, Figures]:
    """The program's outcome figures for the period; Http404 for anyone but its admins,
    ValidationError for a period period_check refuses."""
    if not can_view_outcomes(user, program_id):
        raise Http404("No such program.")
    period_check(start, end)
    program = Program.objects.get(pk=program_id)
    return program, compute(client_facts(program=program, start=start, end=end), start, end)


def warning_histories(*, program: Program, start: date, end: date) -> list[ClientHistory]:
    """One history per client with an episode of the program in the period: check-in days,
    lapse days, early-warning alert firings (raised and raised again). 5 queries, any size."""
    from recoverypath.alerts.models import AlertEvent
    from recoverypath.clients.models import Client, Ethnicity, Race
    from recoverypath.earlywarning.raising import KINDS

    from .warnings import ClientHistory

    zone = ZoneInfo(program.time_zone)
    rule_of = {kind: rule for rule, kind in KINDS.items()}
    spans: dict[int, list] = defaultdict(list)
    for client_id, first, last in (
        EpisodeOfCare.objects.filter(
            program=program,
            status__in=[EpisodeOfCare.Status.ACTIVE, EpisodeOfCare.Status.FINISHED],
            start_date__lte=end,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values_list("client_id", "start_date", "end_date")
    ):
        spans[client_id].append((first, last))
    if not spans:
        return []
    ethnicities, races = dict(Ethnicity.choices), dict(Race.choices)
    histories = {}
    for client_id, sex, born, ethnicity, race in Client.objects.filter(
        id__in=list(spans)
    ).values_list("id", "sex_assigned_at_birth", "date_of_birth", "ethnicity", "race"):
        age = None
        if born is not None:
            age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        histories[client_id] = ClientHistory(
            client_id,
            sex or "unknown",
            age,
            spans[client_id],
            ethnicity=str(ethnicities.get(ethnicity, ethnicity)) if ethnicity else "",
            race=[str(races.get(code, code)) for code in race or []],
        )
    hi = end + timedelta(days=15)
    for client_id, day in CheckIn.objects.filter(
        client_id__in=list(histories), date__gte=start, date__lte=hi
    ).values_list("client_id", "date"):
        histories[client_id].check_ins.add(day)
    for client_id, day in Lapse.objects.filter(
        client_id__in=list(histories), date__gte=start, date__lte=hi
    ).values_list("client_id", "date"):
        histories[client_id].lapses.append(day)
    lo = datetime.combine(start - timedelta(days=8), time(), tzinfo=zone)
    for client_id, kind, severity, at in AlertEvent.objects.filter(
        alert__client_id__in=list(histories),
        alert__kind__in=list(rule_of),
        kind__in=["raised", "re_raised"],
        at__gte=lo,
        at__lt=datetime.combine(hi, time(), tzinfo=zone),
    ).values_list("alert__client_id", "alert__kind", "alert__severity", "at"):
        histories[client_id].firings.append((at.astimezone(zone).date(), rule_of[kind], severity))
    return [histories[k] for k in sorted(histories)]


def warning_performance(
    *, user: User, program_id: int, start: date, end: date
) -> tuple[Program, Performance]:
    """The early-warning performance report; Http404 for anyone but the program's admins,
    ValidationError for a period period_check refuses."""
    from recoverypath.earlywarning.raising import KINDS

    from .warnings import evaluate

    if not can_view_outcomes(user, program_id):
        raise Http404("No such program.")
    period_check(start, end)
    program = Program.objects.get(pk=program_id)
    histories = warning_histories(program=program, start=start, end=end)
    return program, evaluate(histories, start, end, sorted(KINDS))


def warning_rule_labels() -> dict[str, str]:
    """Each early-warning rule's name for people, by its code."""
    from recoverypath.earlywarning.models import Rule

    return {str(code): str(label) for code, label in Rule.choices}
