"""The demo shows random testing: aftercare clients on policies linked to their plans, four
weeks of draws an auditor can reproduce, tests with results, and today's test for the login."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from recoverypath.aftercare.models import AftercarePlan, PlanComponent
from recoverypath.clients.models import Client
from recoverypath.testing import draw
from recoverypath.testing.models import (
    AnalyteResult,
    Collection,
    SelectionDraw,
    TestingPolicy,
    TestSelection,
)

TODAY = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def demo(db):
    with time_machine.travel(TODAY, tick=False):
        call_command("demo", clients=40, seed=3, stdout=StringIO())
        yield Client.objects.get(user__email="client.3@demo.example.org")


def test_every_aftercare_client_is_on_a_policy_carried_by_a_plan_component(demo):
    # Maria Demo-Sample (demo/maria.py) shows a plan of exactly four parts, none of them testing.
    plans = AftercarePlan.objects.filter(client__organization=demo.organization).exclude(
        client__last_name="Demo-Sample"
    )
    assert plans.exists()
    for plan in plans:
        policy = TestingPolicy.objects.get(client=plan.client, status="active")
        component = PlanComponent.objects.get(plan=plan, kind="random_testing")
        assert policy.plan_component_id == component.id


def test_the_demo_draws_reproduce_from_their_records(demo):
    record = SelectionDraw.objects.filter(program=demo.program).order_by("-date")[3]
    entries = record.entries.values(
        "policy_id", "tests_per_period", "period", "window_days", "probability", "value"
    )
    chosen = {
        pid
        for pid, sel in draw.reproduce(seed_hex=record.seed, day=record.date, entries=entries)
        if sel
    }
    assert chosen == set(
        TestSelection.objects.filter(draw_entry__draw=record).values_list("policy_id", flat=True)
    )


def test_the_demo_has_results_a_confirmation_and_todays_test_for_the_login(demo, client):
    assert Collection.objects.filter(client__organization=demo.organization).count() > 10
    assert AnalyteResult.objects.filter(stage="confirmed", current=True).exists()
    assert AnalyteResult.objects.filter(expected=True).exists()
    client.force_login(demo.user)
    with time_machine.travel(TODAY, tick=False):
        page = client.get("/me/").content.decode()
    assert "You are asked to give a sample today" in page
