"""A "Random testing" component starts the client's testing policy, and the plan's adherence
counts tests shown against tests selected."""

from __future__ import annotations

from datetime import date, timedelta

from recoverypath.aftercare.selectors import adherence_for_plans
from recoverypath.aftercare.services import aftercare_plan_start, component_add
from recoverypath.testing.models import TestingPolicy, TestSelection
from recoverypath.testing.services import policy_start_program_default

from .conftest import TODAY


def test_a_random_testing_component_starts_the_policy_at_its_rate(cast, at_noon):
    plan = aftercare_plan_start(
        actor=cast.coordinator,
        client=cast.client,
        start_date=TODAY,
        months=3,
        components=[{"kind": "random_testing", "expected_per_week": 2}],
    )
    component = plan.components.get()
    policy = TestingPolicy.objects.get(client=cast.client, status="active")
    assert policy.origin == "aftercare" and policy.plan_component_id == component.id
    assert (policy.tests_per_period, policy.period) == (2, "week")
    assert (policy.start_date, policy.end_date) == (TODAY, plan.end_date)


def test_a_component_replaces_the_iop_default_policy(cast, plan):
    policy_start_program_default(actor=cast.coordinator, client=cast.client)
    component_add(actor=cast.coordinator, plan=plan, kind="random_testing", expected_per_week=0.5)
    active = TestingPolicy.objects.get(client=cast.client, status="active")
    assert active.origin == "aftercare"
    assert (active.tests_per_period, active.period) == (2, "month")
    assert TestingPolicy.objects.filter(client=cast.client, status="ended").count() == 1


def test_adherence_counts_tests_shown_against_tests_selected(cast, plan):
    component = component_add(
        actor=cast.coordinator, plan=plan, kind="random_testing", expected_per_week=2
    )
    policy = TestingPolicy.objects.get(client=cast.client, status="active")
    for days_ago, status in ((2, "collected"), (4, "no_show"), (6, "collected"), (1, "selected")):
        day = TODAY - timedelta(days=days_ago)
        TestSelection.objects.create(
            client=cast.client,
            program=cast.program,
            policy=policy,
            kind="scheduled",
            date=day,
            window_opens_at=plan.created_at - timedelta(days=days_ago, hours=2),
            window_closes_at=plan.created_at - timedelta(days=days_ago),
            site="Office",
            status=status,
        )
    TestSelection.objects.create(  # outside the 14-day window: not counted
        client=cast.client,
        program=cast.program,
        kind="scheduled",
        date=date(2026, 5, 2),
        window_opens_at=plan.created_at - timedelta(days=40, hours=2),
        window_closes_at=plan.created_at - timedelta(days=40),
        site="Office",
        status="no_show",
    )
    result = adherence_for_plans(plans=[plan])[plan.id]
    testing = next(c for c in result.components if c.component.id == component.id)
    assert (testing.expected, testing.attended, testing.missed) == (3.0, 2, 1)
    assert testing.percent == 67
