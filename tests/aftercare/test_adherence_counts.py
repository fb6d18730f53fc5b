"""adherence_for_plans counts in the database what a plain reading of the rows counts: each
plan's window (the later of its start and `days` before its last day, through yesterday in its
client's zone), contacts attended and missed per component, support-group meetings of the
component's type, with clients in zones on different dates, plans started inside, before and
after their window, and one client with two plans."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from recoverypath.aftercare.models import AftercarePlan, ComponentContact, PlanComponent
from recoverypath.aftercare.selectors import adherence_for_plans
from recoverypath.core.timezones import local_today
from recoverypath.monitoring.models import MeetingAttendance
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

# 02:00 UTC: already the 10th in London, still the 9th in New York and Los Angeles.
NOW = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)
ZONES = ("Europe/London", "America/New_York", "America/Los_Angeles")
MEETING_TYPES = [t.value for t in MeetingAttendance.MeetingType]


def _reference(plan: AftercarePlan, days: int) -> dict[int, tuple[float, int, int]]:
    """{component id: (expected, attended, missed)} from the rows, one plan at a time."""
    last = local_today(plan.client.time_zone) - timedelta(days=1)
    first = max(plan.start_date, last - timedelta(days=days - 1))
    span = (last - first).days + 1
    out = {}
    for component in plan.components.filter(active=True):
        if component.kind == PlanComponent.Kind.RANDOM_TESTING:
            continue
        inside = [c for c in component.contacts.all() if first <= c.date <= last]
        attended = sum(1 for c in inside if c.attended)
        missed = len(inside) - attended
        if component.kind == PlanComponent.Kind.SUPPORT_GROUP:
            attended += sum(
                1
                for m in MeetingAttendance.objects.filter(client=plan.client)
                if first <= m.date <= last
                and (not component.group_type or component.group_type == m.meeting_type)
            )
        expected = float(component.expected_per_week) * span / 7 if span > 0 else 0.0
        out[component.id] = (expected, attended, missed)
    return out


def _plans(cast, rng: random.Random) -> list[AftercarePlan]:
    today = NOW.date()
    plans = []
    for n in range(9):
        client = ClientFactory(program=cast.program, time_zone=ZONES[n % 3])
        starts = [today - timedelta(days=rng.choice([90, 45, 29, 12, 1, 0, -3]))]
        if n == 4:  # one client with an earlier, completed plan too
            starts.append(today - timedelta(days=200))
        for start in starts:
            plan = AftercarePlan.objects.create(
                client=client,
                status="active" if start == starts[0] else "completed",
                program=cast.program,
                coordinator=cast.coordinator,
                start_date=start,
                end_date=start + timedelta(days=120),
            )
            plans.append(plan)
            for kind, group in [("therapy", ""), ("support_group", ""), ("support_group", "aa")]:
                component = PlanComponent.objects.create(
                    plan=plan, kind=kind, group_type=group, expected_per_week=rng.choice([1, 3])
                )
                ComponentContact.objects.bulk_create(
                    ComponentContact(
                        component=component,
                        date=today - timedelta(days=rng.randint(-2, 60)),
                        attended=rng.random() < 0.7,
                    )
                    for _ in range(rng.randint(0, 25))
                )
        MeetingAttendance.objects.bulk_create(
            MeetingAttendance(
                client=client,
                date=today - timedelta(days=rng.randint(-2, 60)),
                meeting_type=rng.choice(MEETING_TYPES),
            )
            for _ in range(rng.randint(0, 20))
        )
    return plans


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("days", [30, 14])
def test_database_counts_match_the_rows(cast, seed, days):
    with time_machine.travel(NOW, tick=False):
        plans = _plans(cast, random.Random(seed))
        plans = list(
            AftercarePlan.objects.filter(id__in=[p.id for p in plans]).select_related("client")
        )
        counted = adherence_for_plans(plans=plans, days=days)
        lasts = {counted[p.id].end for p in plans}
        assert lasts == {date(2026, 6, 9), date(2026, 6, 8)}  # two zones' yesterdays
        for plan in plans:
            got = {
                c.component.id: (c.expected, c.attended, c.missed)
                for c in counted[plan.id].components
            }
            assert got == _reference(plan, days), plan.start_date
