"""On a 375 px phone: Maria (built as the demo builds her) signs in, opens "My plan" from her
home page and finds her four components with their details, this week in words, her goals with
their progress and what to do next; her next therapy session (video) shows "Join" on her home
page from 10 minutes before its start, not earlier (the live server's clock moved with
time-machine)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from playwright.sync_api import expect

from recoverypath.core.timezones import local_today
from recoverypath.demo.maria import COMPONENT_TITLES, GOALS, THERAPY_JOIN_URL, maria_build
from recoverypath.scheduling.models import Session

from .conftest import PHONE, log_in


@pytest.mark.django_db(transaction=True)
def test_maria_reads_her_plan_on_her_phone(new_page, cast):
    maria = maria_build(
        program=cast.program,
        clinician=cast.clinician,
        coordinator=cast.coordinator,
        today=local_today(cast.program.time_zone),
        email="maria@test.example.org",
        password=make_password(cast.password),
    )
    page = new_page(PHONE)
    log_in(page, maria.user.email, cast.password)
    page.get_by_role("link", name="See my plan").click()
    page.get_by_role("heading", name="My plan", level=1).wait_for()

    components = page.get_by_test_id("plan-component")
    assert components.count() == 4
    for title in COMPONENT_TITLES:
        assert components.filter(has_text=title).first.is_visible(), title
    therapy = components.filter(has_text="Weekly telehealth therapy")
    assert therapy.get_by_text("Bluejay Telehealth Counseling (fictional)").is_visible()
    assert therapy.get_by_text("Once a week").is_visible()
    assert therapy.get_by_role("link", name="Call +12025550191").get_attribute("href") == (
        "tel:+12025550191"
    )
    aa = components.filter(has_text="Women's AA meetings")
    assert aa.get_by_text("Lantern Hall Women's Group", exact=False).is_visible()
    assert aa.get_by_text("3 times a week").is_visible()
    assert aa.get_by_test_id("component-week").inner_text().endswith("this week")
    tracker = components.filter(has_text="Daily sobriety tracker")
    assert tracker.get_by_text("Every day").is_visible()
    fitness = components.filter(has_text="Fitness group for accountability")
    assert fitness.get_by_text("Riverside Striders (fictional)").is_visible()

    goals = page.get_by_test_id("plan-goal")
    assert goals.count() == len(GOALS)
    assert goals.filter(has_text="Ran 2 km without stopping on Friday.").is_visible()
    assert page.get_by_test_id("plan-check-in").first.is_visible()
    next_steps = page.get_by_test_id("next-steps")
    assert next_steps.get_by_text("Coordinator check-in on", exact=False).is_visible()
    # Nothing runs off the side of a 375 px screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width

    # Her next therapy session, by video: "Join" from 10 minutes before its start.
    session = Session.objects.get(client=maria.client, starts_at__gt=timezone.now())
    with time_machine.travel(session.starts_at - timedelta(minutes=11), tick=True):
        early = new_page(PHONE)
        log_in(early, maria.user.email, cast.password)  # signed in on the moved clock
        early.goto("/me/")
        card = early.get_by_test_id("next-appointment")
        expect(card).to_contain_text("Individual counseling")
        expect(card).to_contain_text("Video")
        expect(early.get_by_role("link", name="Join")).to_have_count(0)
    with time_machine.travel(session.starts_at - timedelta(minutes=9), tick=True):
        early.goto("/me/")
        join = early.get_by_role("link", name="Join")
        expect(join).to_be_visible()
        expect(join).to_have_attribute("href", THERAPY_JOIN_URL)
