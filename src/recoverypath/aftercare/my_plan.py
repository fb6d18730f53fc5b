"""Reads for "My plan", the client's own aftercare plan on their phone (page and API): every
active component with its schedule and details, this week's adherence in plain words, goals with
their latest progress, the coordinator check-ins to come and a short "what to do next".

Staff read plans through `selectors.plan_get`; a family member through `family.py` (which shows
less, by consent): this module serves the client alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today
from recoverypath.monitoring import selectors as monitoring_selectors

from .models import AftercarePlan, CoordinatorCheckIn, Goal, GoalProgressNote, PlanComponent
from .selectors import adherence_for_plans, plan_current, plan_has_started

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

Kind = PlanComponent.Kind
Frequency = PlanComponent.Frequency

UPCOMING_CHECK_INS = 5


@dataclass
class ComponentWeek:
    """One component as the client reads it, with what happened this week."""

    component: PlanComponent
    schedule: str
    done: int
    missed: int
    expected: int
    words: str


@dataclass
class GoalView:
    goal: Goal
    latest_note: GoalProgressNote | None
    overdue: bool


@dataclass
class NextStep:
    text: str
    url: str = ""


@dataclass
class MyPlan:
    """What "My plan" shows. `plan` is None when the client has no open plan."""

    client: Client
    today: date
    week_start: date
    plan: AftercarePlan | None = None
    components: list[ComponentWeek] = field(default_factory=list)
    goals: list[GoalView] = field(default_factory=list)
    check_ins: list[CoordinatorCheckIn] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)

    @property
    def starts_on(self) -> date | None:
        """The plan's first day while it is still to come, else None."""
        if self.plan is not None and self.plan.start_date > self.today:
            return self.plan.start_date
        return None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.client.time_zone))

    @property
    def check_ins_local(self) -> list[LocalTime]:
        """The upcoming check-ins' days and times in the client's zone, as words."""
        return [local_time_words(self.local(item.scheduled_at), item) for item in self.check_ins]


@dataclass
class LocalTime:
    check_in: CoordinatorCheckIn
    at: datetime
    day: str
    time: str


def local_time_words(at: datetime, check_in: CoordinatorCheckIn) -> LocalTime:
    """ "Tuesday, Dec. 1, 2026" and "10 a.m." for a moment already in the client's zone (the
    template filters would move it to the active zone)."""
    day = f"{date_format(at, 'l')}, {date_format(at, 'DATE_FORMAT')}"
    return LocalTime(check_in, at, day, date_format(at, "TIME_FORMAT"))


def _count(value: Decimal | float) -> int:
    return round(float(value))


def schedule_in_words(component: PlanComponent) -> str:
    """ "Every day", "3 times a week", "Once a week", "Every two weeks"..."""
    per_week = _count(component.expected_per_week)
    if component.frequency == Frequency.DAILY:
        return _("Every day")
    if component.frequency == Frequency.BIWEEKLY:
        return _("Every two weeks")
    if component.frequency == Frequency.MONTHLY:
        return _("Once a month")
    if component.frequency == Frequency.AS_NEEDED:
        return _("As needed")
    if per_week < 1:
        return str(component.get_frequency_display())
    return ngettext("Once a week", "%(count)d times a week", per_week) % {"count": per_week}


def _done_words(kind: str, done: int, expected: int) -> str:
    values = {"done": done, "expected": expected}
    if kind == Kind.SUPPORT_GROUP:
        return (
            ngettext(
                "%(done)d of %(expected)d meeting this week",
                "%(done)d of %(expected)d meetings this week",
                expected,
            )
            % values
        )
    if kind == Kind.DIGITAL:
        return (
            ngettext(
                "%(done)d of %(expected)d daily check-in this week",
                "%(done)d of %(expected)d daily check-ins this week",
                expected,
            )
            % values
        )
    if kind == Kind.RANDOM_TESTING:
        return (
            ngettext(
                "%(done)d of %(expected)d test this week",
                "%(done)d of %(expected)d tests this week",
                expected,
            )
            % values
        )
    return (
        ngettext(
            "%(done)d of %(expected)d session this week",
            "%(done)d of %(expected)d sessions this week",
            expected,
        )
        % values
    )


def adherence_in_words(*, kind: str, done: int, missed: int, expected: int) -> str:
    """This week in plain words: "2 of 3 meetings this week", "No contact recorded yet this
    week", "1 this week (1 missed)"."""
    if done == 0 and missed == 0:
        return _("No contact recorded yet this week")
    if expected > 0:
        text = _done_words(kind, done, expected)
    else:
        text = ngettext("%(done)d recorded this week", "%(done)d recorded this week", done) % {
            "done": done
        }
    if missed:
        text += " " + ngettext("(%(missed)d missed)", "(%(missed)d missed)", missed) % {
            "missed": missed
        }
    return text


def my_plan_get(*, user: User, client: Client) -> MyPlan:
    """The client's open plan as "My plan" shows it; the caller passes the client record of
    `user` (clients.selectors.own_client_get). One audit row when there is a plan.

    Queries: the plan; then components, contacts, meetings and daily check-ins of this week, goals
    with their notes, and the upcoming check-ins: a fixed number however large the plan."""
    today = local_today(client.time_zone)
    week_start = today - timedelta(days=today.weekday())
    view = MyPlan(client=client, today=today, week_start=week_start)
    plan = plan_current(client=client)
    if plan is None:
        return view
    plan.client = client
    view.plan = plan
    audit_record(
        actor=user,
        action=Action.READ,
        obj=plan,
        client_id=client.id,
        organization_id=client.organization_id,
    )
    started = plan_has_started(plan, today=today)
    week = adherence_for_plans(plans=[plan], end=today, days=today.weekday() + 1)[plan.id]
    check_in_days = 0
    if started and any(c.component.kind == Kind.DIGITAL for c in week.components):
        check_in_days = (
            monitoring_selectors.check_ins_since(client=client, since=max(week.start, week_start))
            .filter(date__lte=today)
            .count()
        )
    for item in sorted(week.components, key=lambda c: (c.component.kind, c.component.id)):
        component = item.component
        expected = _count(component.expected_per_week)
        done, missed = (item.attended, item.missed) if started else (0, 0)
        if component.kind == Kind.DIGITAL:
            done += check_in_days
        if component.kind == Kind.RANDOM_TESTING:
            expected = _count(item.expected)
        words = (
            _("Starts on %(date)s") % {"date": date_format(plan.start_date, "DATE_FORMAT")}
            if not started
            else adherence_in_words(
                kind=component.kind, done=done, missed=missed, expected=expected
            )
        )
        view.components.append(
            ComponentWeek(component, schedule_in_words(component), done, missed, expected, words)
        )
    goals = plan.goals.prefetch_related(
        Prefetch("notes", queryset=GoalProgressNote.objects.order_by("-date", "-id"))
    )
    for goal in goals:
        notes = list(goal.notes.all())
        overdue = (
            goal.status == Goal.Status.OPEN
            and goal.target_date is not None
            and goal.target_date < today
        )
        view.goals.append(GoalView(goal, notes[0] if notes else None, overdue))
    view.check_ins = list(
        plan.check_ins.filter(
            status=CoordinatorCheckIn.Status.SCHEDULED,
            scheduled_at__gte=datetime.combine(today, time.min, ZoneInfo(client.time_zone)),
        )
        .select_related("coordinator")
        .order_by("scheduled_at", "id")[:UPCOMING_CHECK_INS]
    )
    view.next_steps = _next_steps(view)
    return view


def _next_steps(view: MyPlan) -> list[NextStep]:
    """What to do next, most pressing first: the plan's first day, the daily check-in, sessions
    and meetings still to go this week, the next prescriber visit, the next coordinator
    check-in, goals past their target date."""
    steps: list[NextStep] = []
    if view.starts_on is not None:
        steps.append(
            NextStep(
                _("Your aftercare plan starts on %(date)s.")
                % {"date": date_format(view.starts_on, "DATE_FORMAT")}
            )
        )
    else:
        for item in view.components:
            component = item.component
            left = item.expected - item.done
            name = component.title or component.get_kind_display()
            if component.kind == Kind.DIGITAL and left > 0:
                steps.append(NextStep(_("Do today's check-in."), reverse("monitoring:check_in")))
            elif component.kind == Kind.SUPPORT_GROUP and left > 0:
                text = ngettext(
                    "Go to %(left)d more meeting this week: %(name)s.",
                    "Go to %(left)d more meetings this week: %(name)s.",
                    left,
                ) % {"left": left, "name": name}
                if component.meeting_schedule:
                    text += " " + component.meeting_schedule
                steps.append(NextStep(text))
            elif component.kind in (Kind.THERAPY, Kind.COACHING, Kind.ACTIVITY) and left > 0:
                steps.append(
                    NextStep(
                        ngettext(
                            "%(left)d more %(name)s session to go this week.",
                            "%(left)d more %(name)s sessions to go this week.",
                            left,
                        )
                        % {"left": left, "name": name}
                    )
                )
            if component.next_visit and component.next_visit >= view.today:
                steps.append(
                    NextStep(
                        _("Prescriber visit on %(date)s.")
                        % {"date": date_format(component.next_visit, "DATE_FORMAT")}
                    )
                )
    if view.check_ins:
        first = view.check_ins_local[0]
        steps.append(
            NextStep(
                _("Coordinator check-in on %(date)s at %(time)s")
                % {"date": first.day, "time": first.time}
            )
        )
    for goal in view.goals:
        if goal.overdue:
            steps.append(
                NextStep(
                    _("Goal past its target date: %(goal)s. Talk it over with your coordinator.")
                    % {"goal": goal.goal.description}
                )
            )
    return steps
