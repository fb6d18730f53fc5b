"""A client completes a due PHQ-9 on a 375 px phone; the clinician sees it on the trend chart."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, log_in

# Answers by option label, items 1-9: total 1+2+0+1+1+0+0+1+0 = 6 ("Mild"), item 9 "Not at all".
ANSWERS = [
    "Several days",
    "More than half the days",
    "Not at all",
    "Several days",
    "Several days",
    "Not at all",
    "Not at all",
    "Several days",
    "Not at all",
]


@pytest.mark.django_db(transaction=True)
def test_a_client_completes_a_due_phq9_on_a_phone_and_the_clinician_sees_it_on_the_trend(
    new_page, cast
):
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    due = page.get_by_role("region", name="Questionnaires ready for you")
    expect(due).to_be_visible()
    due.get_by_role("link", name="Start Depression (PHQ-9)").click()

    expect(page.get_by_role("heading", name="Depression (PHQ-9)")).to_be_visible()
    progress = page.locator("[data-progress-text]")
    expect(progress).to_have_text(re.compile(r"Question 1 of 9"))
    submit = page.get_by_role("button", name="Submit answers")
    expect(submit).to_be_hidden()
    # Next without an answer is refused.
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Please answer this question to go on.")).to_be_visible()

    for number, label in enumerate(ANSWERS, start=1):
        question = page.locator("fieldset.is-current")
        expect(question).to_contain_text(f"Question {number} of 9")
        question.get_by_text(label, exact=True).click()
        if number < 9:
            page.get_by_role("button", name="Next").click()
    expect(progress).to_have_text(re.compile(r"9 answered"))
    submit.click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_test_id("result-total")).to_have_text("6")
    expect(page.get_by_test_id("crisis-resources")).to_have_count(0)
    # Fits the phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    staff = new_page()
    log_in(staff, cast.clinician.email, cast.password)
    staff.goto(f"/clients/{cast.client.id}/assessments/")
    chart = staff.get_by_test_id("trend-PHQ-9")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.series-dot")).to_have_count(1)
    expect(chart.locator("line.threshold")).to_have_count(4)
    expect(staff.get_by_role("heading", name="Depression (PHQ-9)")).to_be_visible()
    # The result's link sits in the data table beside the chart, not inside the chart image.
    expect(chart.get_by_role("link")).to_have_count(0)
    row = staff.get_by_test_id("trend-table-PHQ-9").get_by_role("row", name=re.compile(r" 6$"))
    expect(row.get_by_role("link")).to_be_visible()
    expect(staff.get_by_text("Latest:")).to_contain_text("total 6")
