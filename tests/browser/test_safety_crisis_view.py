"""The client's crisis view after PHQ-9 item 9 above 0 (one page mode), and the alert behind it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from recoverypath.alerts.models import Alert

from .conftest import PHONE, log_in


@pytest.mark.django_db(transaction=True)
def test_item9_above_zero_shows_the_client_crisis_resources_at_once(new_page, cast):
    cast.program.after_hours_phone = "+12025550188"
    cast.program.save()
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    page.goto("/me/assessments/PHQ-9/")
    page.get_by_role("button", name="Show all questions on one page").click()
    expect(page.locator("form[data-fill-form]")).to_have_attribute("data-mode", "page")

    # Items 1 and 2 "Several days", item 9 "Several days": total 3, item 9 = 1.
    for number in range(1, 10):
        label = "Several days" if number in (1, 2, 9) else "Not at all"
        page.locator(f'fieldset[data-question="{number}"]').get_by_text(label, exact=True).click()
    page.get_by_role("button", name="Submit answers").click()

    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    crisis = page.get_by_test_id("crisis-resources")
    expect(crisis).to_be_visible()
    expect(crisis.get_by_text("988 Suicide & Crisis Lifeline")).to_be_visible()
    expect(crisis.get_by_role("link", name="Call 988")).to_have_attribute("href", "tel:988")
    expect(crisis.get_by_text("Text HOME to 741741")).to_be_visible()
    expect(crisis.get_by_role("link", name="Call 911")).to_be_visible()
    expect(crisis.get_by_text("Program A after-hours line")).to_be_visible()
    expect(crisis.get_by_role("link", name="Call Marlow Quillfeather")).to_be_visible()
    expect(page.get_by_test_id("result-total")).to_have_text("3")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    alerts = Alert.objects.filter(client=cast.client)
    assert [(a.kind, a.severity) for a in alerts] == [("safety.phq9_item9", "critical")]


@pytest.mark.django_db(transaction=True)
def test_an_unanswered_question_blocks_submitting_on_one_page(new_page, cast):
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    page.goto("/me/assessments/GAD-7/?mode=page")
    for number in range(1, 7):
        page.locator(f'fieldset[data-question="{number}"]').get_by_text(
            "Not at all", exact=True
        ).click()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Please answer question 7 before you submit.")).to_be_visible()
    assert "/me/assessments/GAD-7/" in page.url
