"""An alumnus volunteers as a mentor on their phone, staff approve the mentor, a current client
asks, the mentor agrees, staff approve the pair, and both see the match with first names only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.alumni.conftest import client_with_login, graduate

from .conftest import PHONE, log_in


@pytest.mark.django_db(transaction=True)
def test_an_alumnus_mentors_a_client_with_both_agreeing_and_staff_approving(new_page, cast):
    rowan = client_with_login(cast.program, "Rowan", "Thistledown", "A-0777")
    tansy = client_with_login(cast.program, "Tansy", "Wickerbee", "A-0999")
    graduate(rowan)

    mentor = new_page(PHONE)
    log_in(mentor, rowan.user.email, cast.password)
    mentor.goto("/me/alumni/")
    mentor.get_by_role("button", name="Join the alumni community").click()
    mentor.get_by_label("What you can offer (optional)").fill("Two years sober, happy to talk")
    mentor.get_by_role("button", name="Volunteer as a mentor").click()
    expect(mentor.get_by_test_id("mentor-offer")).to_contain_text("Awaiting staff approval")

    staff = new_page()
    log_in(staff, cast.coordinator.email, cast.password)
    staff.goto("/alumni/")
    expect(staff.get_by_test_id("offer")).to_contain_text("Rowan Thistledown")
    staff.get_by_role("button", name="Approve mentor").click()

    mentee = new_page(PHONE)
    log_in(mentee, tansy.user.email, cast.password)
    mentee.goto("/me/alumni/")
    mentee.get_by_role("button", name="Ask Rowan to mentor me").click()
    expect(mentee.get_by_test_id("match")).to_contain_text("waiting for staff")

    staff.goto("/alumni/")
    expect(staff.get_by_test_id("staff-match")).to_contain_text("Tansy Wickerbee asks Rowan")
    staff.get_by_role("button", name="Approve match").click()

    mentor.goto("/me/alumni/")
    mentor.get_by_role("button", name="I agree to mentor").click()
    expect(mentor.get_by_test_id("match")).to_contain_text("You mentor Tansy · Active")
    expect(mentor.locator("body")).not_to_contain_text("Wickerbee")

    mentee.goto("/me/alumni/")
    expect(mentee.get_by_test_id("match")).to_contain_text("Your mentor: Rowan · Active")
    expect(mentee.locator("body")).not_to_contain_text("Thistledown")
