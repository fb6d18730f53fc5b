"""On a 375 px phone: the support network with one-tap call and text, the client's choice of
whom else to text, and "I need help now" telling the care team (always) and the sponsor (because
the client chose so)."""

from __future__ import annotations

import re

import pytest

from recoverypath.aftercare.services import aftercare_plan_start
from recoverypath.core.timezones import local_today

from .conftest import DESKTOP, PHONE, log_in


@pytest.mark.django_db(transaction=True)
def test_a_client_finds_their_people_and_asks_for_help_and_the_coordinator_sees_it(new_page, cast):
    cast.client.support_contacts.create(name="Sam Sponsor", kind="sponsor", phone="+12025550188")
    aftercare_plan_start(
        actor=cast.coordinator,
        client=cast.client,
        start_date=local_today(cast.client.time_zone),
        components=[
            {
                "kind": "support_group",
                "group_type": "aa",
                "expected_per_week": 3,
                "meeting_schedule": "Mon, Wed, Fri 7pm Hope Group",
            }
        ],
    )
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    page.get_by_role("link", name="My support network").click()
    sponsor = page.get_by_role("listitem").filter(has_text="Sam Sponsor")
    assert sponsor.get_by_role("link", name="Call").get_attribute("href") == "tel:+12025550188"
    assert sponsor.get_by_role("link", name="Text").get_attribute("href") == "sms:+12025550188"
    assert page.get_by_text("Mon, Wed, Fri 7pm Hope Group").is_visible()

    page.get_by_label("Sam Sponsor (sponsor)").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="I need help now").first.click()
    page.get_by_text("Your care team has been told").wait_for()
    assert page.get_by_text("We also texted Sam Sponsor.").is_visible()
    assert page.get_by_text("988").first.is_visible()

    desk = new_page(DESKTOP)
    log_in(desk, cast.coordinator.email, cast.password)
    desk.goto("/aftercare/caseload/")
    row = desk.get_by_test_id("caseload-row").filter(has_text="Quillfeather")
    assert row.get_by_text(re.compile("I need help now")).is_visible()
