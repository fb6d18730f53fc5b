"""Safety signals reach a human, as a client and a clinician would try it: "I need help now" on
a 375 px phone without any opt-in, and the daily check-in that starts empty and answers a hard
day with the client's own plan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from recoverypath.alerts.models import Alert
from recoverypath.monitoring.models import CheckIn
from recoverypath.safety.services import safety_plan_create

from .conftest import DESKTOP, PHONE, log_in


@pytest.mark.django_db(transaction=True)
def test_a_client_without_any_opt_in_presses_help_sees_who_was_told_and_the_clinician_sees_it(
    new_page, cast
):
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    page.get_by_role("button", name="I need help now").click()

    told = page.get_by_test_id("help-told")
    expect(told.get_by_role("heading", name="Your care team has been told")).to_be_visible()
    expect(told).to_contain_text(f"{cast.clinician.get_full_name()} (your clinician)")
    expect(told).to_contain_text(f"{cast.coordinator.get_full_name()} (your coordinator)")
    crisis = page.get_by_test_id("crisis-resources")
    expect(crisis.get_by_role("link", name="Call 988")).to_have_attribute("href", "tel:988")
    expect(crisis.get_by_text("Text HOME to 741741")).to_be_visible()
    expect(crisis.get_by_role("link", name="Call Marlow Quillfeather")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.reload()  # reloading the page is not a second press
    expect(page.get_by_test_id("help-told")).to_be_visible()

    alert = Alert.objects.get(client=cast.client)
    assert (alert.kind, alert.severity) == ("aftercare.help_requested", "critical")

    desk = new_page(DESKTOP)
    log_in(desk, cast.clinician.email, cast.password)
    desk.goto("/alerts/")
    row = desk.get_by_role("row").filter(has_text=cast.client.display_name)
    expect(row.get_by_text("Critical", exact=True)).to_be_visible()
    expect(row.get_by_role("link", name='"I need help now" pressed')).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_check_in_starts_empty_refuses_untouched_and_meets_a_craving_of_9_with_the_plan(
    new_page, cast
):
    safety_plan_create(
        actor=cast.clinician,
        client=cast.client,
        warning_signs="Skipping meals",
        internal_coping="Walk the dog around the block\nCold water on my face",
        social_distractions="The library on Elm Street",
        people_to_ask="Aunt Tamsin 202-555-0123",
        professionals="988",
        environment_safety="Keys with a friend",
    )
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    form = page.locator("form").filter(has=page.get_by_role("button", name="Save check-in"))
    # Nothing is chosen for the client.
    expect(form.locator("input[type=radio]:checked")).to_have_count(0)
    expect(page.get_by_label("Sleep last night (hours)")).to_have_value("")
    expect(page.get_by_test_id("scale-craving")).to_contain_text("0 none")
    expect(page.get_by_test_id("scale-craving")).to_contain_text("10 the strongest")

    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_test_id("scale-mood")).to_contain_text(
        "Choose your mood today, from 1 to 5."
    )
    expect(page.get_by_test_id("scale-craving")).to_contain_text(
        "Choose how strong your cravings were"
    )
    expect(page.get_by_text("Tell us how many hours you slept")).to_be_visible()
    expect(page.get_by_text("Answer yes or no.")).to_be_visible()
    assert not CheckIn.objects.exists()

    page.get_by_test_id("scale-mood").get_by_text("3", exact=True).click()
    page.get_by_test_id("scale-craving").get_by_text("9", exact=True).click()
    page.get_by_test_id("scale-stress").get_by_text("6", exact=True).click()
    page.get_by_label("Sleep last night (hours)").fill("5.5")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()

    support = page.get_by_test_id("support-now")
    expect(support.get_by_test_id("coping-strategies")).to_contain_text(
        "Walk the dog around the block"
    )
    expect(support.get_by_test_id("plan-contacts")).to_contain_text("Aunt Tamsin 202-555-0123")
    expect(support.get_by_role("link", name="Call Marlow Quillfeather")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    row = CheckIn.objects.get(client=cast.client)
    assert (row.mood, row.craving, row.stress, float(row.sleep_hours), row.used) == (
        3,
        9,
        6,
        5.5,
        False,
    )

    support.get_by_role("button", name="Tell my coordinator").click()
    expect(page.get_by_text("Your coordinator has been told")).to_be_visible()
    alert = Alert.objects.get(kind="monitoring.reach_out_requested")
    assert re.search("craving 9 of 10", alert.reason)
