"""Adherence to an aftercare plan: each component's contacts and meetings against how often it
should happen, over a window of days (the dashboard's column, the nightly low-adherence rule)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from recoverypath.core.timezones import local_today
from recoverypath.monitoring.models import MeetingAttendance
from recoverypath.testing.selectors import adherence_counts as testing_adherence_counts

from ..models import ComponentContact, PlanComponent

if TYPE_CHECKING:
    from ..models import AftercarePlan

ADHERENCE_DAYS = 14


@dataclass
class ComponentAdherence:
    component: PlanComponent
    expected: float
    attended: int
    missed: int

    @property
    def percent(self) -> int | None:
        if self.expected <= 0:
            return None
        return round(min(1.0, self.attended / self.expected) * 100)


@dataclass
class PlanAdherence:
    start: date
    end: date
    components: list[ComponentAdherence] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        expected = sum(c.expected for c in self.components if c.expected > 0)
        if expected <= 0:
            return None
        met = sum(min(c.attended, c.expected) for c in self.components if c.expected > 0)
        return round(met / expected * 100)


def adherence_for_plans(
    *, plans: Sequence[AftercarePlan], end: date | None = None, days: int = ADHERENCE_DAYS
) -> dict[int, PlanAdherence]:
    """{plan_id: PlanAdherence} over the `days` days ending on `end` (default: yesterday in each
    client's zone), clipped to the plan's start. A fixed number of queries for any number of
    plans: the components, the logged contacts and the support-group meetings counted by the
    database (see _attendance_counts), and random testing's counts."""
    if not plans:
        return {}
    windows: dict[int, tuple[date, date]] = {}
    for plan in plans:
        last = end or (local_today(plan.client.time_zone) - timedelta(days=1))
        first = max(plan.start_date, last - timedelta(days=days - 1))
        windows[plan.id] = (first, last)
    components = list(
        PlanComponent.objects.filter(plan__in=[p.id for p in plans], active=True).select_related(
            "provider"
        )
    )
    plan_client = {p.id: p.client_id for p in plans}
    contacts, meetings = _attendance_counts(components, windows, plan_client)
    # Random testing counts tests given against tests asked (testing's selections), not a rate.
    testing_windows = {
        plan_client[c.plan_id]: windows[c.plan_id]
        for c in components
        if c.kind == PlanComponent.Kind.RANDOM_TESTING
    }
    tests = testing_adherence_counts(windows=testing_windows)
    out = {p.id: PlanAdherence(*windows[p.id]) for p in plans}
    for component in components:
        if component.kind == PlanComponent.Kind.RANDOM_TESTING:
            asked, given = tests.get(plan_client[component.plan_id], (0, 0))
            out[component.plan_id].components.append(
                ComponentAdherence(component, float(asked), given, asked - given)
            )
            continue
        first, last = windows[component.plan_id]
        span = (last - first).days + 1
        expected = float(component.expected_per_week) * span / 7 if span > 0 else 0.0
        attended, missed = contacts.get(component.id, (0, 0))
        if component.kind == PlanComponent.Kind.SUPPORT_GROUP:
            attended += sum(
                count
                for kind, count in meetings.get(component.plan_id, {}).items()
                if not component.group_type or component.group_type == kind
            )
        out[component.plan_id].components.append(
            ComponentAdherence(component, expected, attended, missed)
        )
    return out


def _attendance_counts(
    components: list[PlanComponent],
    windows: dict[int, tuple[date, date]],
    plan_client: dict[int, int],
) -> tuple[dict[int, tuple[int, int]], dict[int, dict[str, int]]]:
    """({component id: (attended, missed)}, {plan id: {meeting type: meetings}}) within each
    plan's window, counted by the database: per distinct last day (one, or two when the
    clients' zones are on different dates) one grouped query for the contacts and one for the
    meetings, each an OR of (ids, first day) per distinct first day (most plans share the full
    window; those started inside it have their start). No join: index range scans by component
    and by client. A client with several plans here (a client's own plan list) has the rows of
    their meetings read instead (one more query), so no meeting counts for the wrong window."""
    contacts: dict[int, tuple[int, int]] = {}
    meetings: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    plans_of: dict[int, list[int]] = defaultdict(list)
    for plan_id, client_id in plan_client.items():
        plans_of[client_id].append(plan_id)
    shared = {c for c, ids in plans_of.items() if len(ids) > 1}
    components_of: dict[int, list[int]] = defaultdict(list)
    for component in components:
        components_of[component.plan_id].append(component.id)
    by_last: dict[date, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for plan_id, (first, last) in windows.items():
        by_last[last][first].append(plan_id)
    for last, by_first in by_last.items():
        parts = [
            Q(component__in=[c for p in plan_ids for c in components_of[p]], date__gte=first)
            for first, plan_ids in by_first.items()
        ]
        for row in (
            ComponentContact.objects.filter(_any(parts), date__lte=last)
            .values("component_id")
            .annotate(
                yes=Count("id", filter=Q(attended=True)), no=Count("id", filter=Q(attended=False))
            )
        ):
            contacts[row["component_id"]] = (row["yes"], row["no"])
        parts = [
            Q(client_id__in=clients, date__gte=first)
            for first, plan_ids in by_first.items()
            if (clients := {plan_client[p] for p in plan_ids} - shared)
        ]
        if parts:
            for client_id, kind, count in (
                MeetingAttendance.objects.filter(_any(parts), date__lte=last)
                .values("client_id", "meeting_type")
                .annotate(count=Count("id"))
                .values_list("client_id", "meeting_type", "count")
            ):
                meetings[plans_of[client_id][0]][kind] = count
    if shared:
        lo = min(windows[p][0] for c in shared for p in plans_of[c])
        hi = max(windows[p][1] for c in shared for p in plans_of[c])
        for client_id, day, kind in MeetingAttendance.objects.filter(
            client_id__in=shared, date__gte=lo, date__lte=hi
        ).values_list("client_id", "date", "meeting_type"):
            for plan_id in plans_of[client_id]:
                first, last = windows[plan_id]
                if first <= day <= last:
                    meetings[plan_id][kind] += 1
    return contacts, meetings


def _any(parts: list[Q]) -> Q:
    combined = Q()
    for part in parts:
        combined |= part
    return combined
