"""Maria Demo-Sample: a named demo client in aftercare after a 6-week IOP, with exactly four
components, goals with progress, a coordinator check-in and a therapy appointment to come; her
login is printed with the others and she sees all of it on "My plan"."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from recoverypath.aftercare.models import AftercarePlan
from recoverypath.care.models import EpisodeOfCare
from recoverypath.demo.maria import COMPONENT_TITLES
from recoverypath.scheduling.models import Session

TODAY = "2026-03-02 15:00:00+00:00"


@pytest.fixture
def demo_out():
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("demo", clients=4, seed=3, stdout=out)
        yield out.getvalue()


@pytest.mark.django_db
def test_maria_is_in_aftercare_after_a_six_week_iop_with_four_components(demo_out):
    line = next(line for line in demo_out.splitlines() if "maria" in line)
    role, email, _password = line.split()
    assert role == "client" and email == "maria.3@demo.example.org"
    plan = AftercarePlan.objects.select_related("client", "episode").get(client__user__email=email)
    assert plan.client.last_name == "Demo-Sample"
    assert plan.status == "active"
    iop = plan.episode
    assert iop.level_code == "2.1" and iop.status == "finished"
    assert iop.end_date - iop.start_date == timedelta(weeks=6)
    assert EpisodeOfCare.objects.get(client=plan.client, status="active").level_code == "aftercare"
    components = list(plan.components.order_by("id"))
    assert [c.title for c in components] == list(COMPONENT_TITLES)
    assert [c.kind for c in components] == ["therapy", "support_group", "activity", "digital"]
    assert components[0].provider.telehealth
    assert components[1].group_type == "aa" and "Women's" in components[1].meeting_schedule
    goals = list(plan.goals.prefetch_related("notes"))
    assert 2 <= len(goals) <= 3 and all(g.notes.all() for g in goals)
    assert plan.check_ins.filter(status="scheduled").exists()
    with time_machine.travel(TODAY, tick=False):
        from django.utils import timezone

        now = timezone.now()
        assert Session.objects.filter(
            client=plan.client,
            session_type="individual_counseling",
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=7),
        ).exists()


@pytest.mark.django_db
def test_maria_logs_in_and_sees_her_plan(demo_out, client):
    line = next(line for line in demo_out.splitlines() if "maria" in line)
    _role, email, password = line.split()
    assert (
        client.post("/accounts/login/", {"username": email, "password": password}).status_code
        == 302
    )
    with time_machine.travel(TODAY, tick=False):
        text = client.get("/me/plan/").content.decode()
    for title in ("Weekly telehealth therapy", "Women&#x27;s AA meetings", "Fitness group"):
        assert title in text
    assert "Bluejay Telehealth Counseling (fictional)" in text
    assert "of 3 meetings this week" in text or "No contact recorded yet this week" in text
