from __future__ import annotations

import pytest
from playwright.sync_api import expect

from recoverypath.care.models import EpisodeOfCare

from .conftest import log_in

WITHDRAWAL_24H = "If so, does withdrawal need 24-hour care"


@pytest.mark.django_db(transaction=True)
def test_a_clinician_enrolls_in_iop_steps_up_to_php_and_back_down_with_a_correct_timeline(
    new_page, cast
):
    page = new_page()
    log_in(page, cast.clinician.email, cast.password)
    page.goto(f"/clients/{cast.client.id}/")
    page.get_by_role("link", name="Enroll in a level of care").click()

    # The admission check warns and suggests the level that fits.
    page.get_by_role(
        "group", name="Does the person need medically managed withdrawal (detox)?"
    ).get_by_label("Yes").check()
    page.get_by_role("group", name=WITHDRAWAL_24H).get_by_label("Yes").check()
    for question in (
        "Is the living environment unsafe for recovery?",
        "Is there an acute safety risk (to self or others)?",
    ):
        page.get_by_role("group", name=question).get_by_label("No").check()
    page.get_by_role(
        "group", name="Can the person attend the program's hours each week?"
    ).get_by_label("Yes").check()
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("IOP may not be the right level.")).to_be_visible()
    expect(
        page.get_by_text(
            "Residential withdrawal management (3.7 Medically managed residential)"
        ).first
    ).to_be_visible()

    # Withdrawal that needs no 24-hour care: ambulatory withdrawal management fits.
    page.get_by_role("group", name=WITHDRAWAL_24H).get_by_label("No").check()
    page.get_by_role("button", name="Enroll").click()
    expect(
        page.get_by_text("Ambulatory withdrawal management (2.7 Medically managed").first
    ).to_be_visible()

    page.get_by_role(
        "group", name="Does the person need medically managed withdrawal (detox)?"
    ).get_by_label("No").check()
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("Enrolled in 2.1 Intensive outpatient.")).to_be_visible()

    page.get_by_role("link", name="Step up / down").click()
    page.get_by_label("Move to level").select_option("2.5")
    page.locator("#id_reason").fill("Lapse twice this week; needs more structure.")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("Moved to 2.5 High-intensity outpatient.")).to_be_visible()

    page.get_by_role("link", name="Step up / down").click()
    page.get_by_label("Move to level").select_option("2.1")
    page.locator("#id_reason").fill("Stable for two weeks.")
    page.get_by_role("button", name="Move").click()
    # A step down into IOP runs the admission check too.
    expect(page.get_by_text("Answer this placement question for IOP.").first).to_be_visible()
    for question, answer in (
        ("Does the person need medically managed withdrawal (detox)?", "No"),
        ("Is the living environment unsafe for recovery?", "No"),
        ("Is there an acute safety risk (to self or others)?", "No"),
        ("Can the person attend the program's hours each week?", "Yes"),
    ):
        page.get_by_role("group", name=question).get_by_label(answer).check()
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("Moved to 2.1 Intensive outpatient.")).to_be_visible()

    timeline = page.get_by_test_id("care-timeline")
    items = timeline.get_by_role("listitem")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("2.1 Intensive outpatient")
    expect(items.nth(0)).to_contain_text("Active")
    expect(items.nth(0)).to_contain_text("Why this level: Stable for two weeks.")
    expect(items.nth(1)).to_contain_text("2.5 High-intensity outpatient")
    expect(items.nth(1)).to_contain_text("Finished")
    expect(items.nth(2)).to_contain_text("Stepped up to 2.5")
    expect(timeline.get_by_role("link", name="Step up / down")).to_have_count(1)
    assert EpisodeOfCare.objects.filter(client=cast.client, status="active").count() == 1
