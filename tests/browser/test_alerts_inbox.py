"""A coordinator's alert inbox, in the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from recoverypath.alerts.services import alert_raise

from .conftest import log_in


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_sees_a_new_alert_acknowledges_and_resolves_it(new_page, cast):
    page = new_page()
    log_in(page, cast.coordinator.email, cast.password)
    page.goto("/alerts/")
    expect(page.get_by_test_id("open-alert-count")).to_have_text("0 open alerts in your programs")
    expect(page.get_by_test_id("nav-badge-alerts")).to_have_count(0)

    alert_raise(
        client=cast.client,
        kind="monitoring.no_checkin",
        severity="high",
        reason="No daily check-in for 2 days.",
        dedup_key=f"monitoring:no-checkin:{cast.client.id}:browser",
    )
    # The inbox's count updates by itself (HTMX poll) and offers the latest list.
    expect(page.get_by_test_id("open-alert-count")).to_have_text(
        "1 open alert in your programs", timeout=12_000
    )
    page.get_by_role("link", name="Show the latest").click()
    expect(page.get_by_test_id("nav-badge-alerts")).to_have_text("1")

    page.get_by_role("link", name="No checkin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("High alert")
    expect(page.get_by_role("region", name="What happened")).to_contain_text(
        "No daily check-in for 2 days."
    )

    page.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(page.get_by_test_id("alert-status")).to_have_text("Acknowledged")
    expect(page.get_by_test_id("nav-badge-alerts")).to_have_count(0)

    page.get_by_label("Resolution note").fill("Called the client: phone was broken, safe.")
    page.get_by_role("button", name="Resolve", exact=True).click()
    expect(page.get_by_test_id("alert-status")).to_have_text("Resolved")

    page.get_by_role("link", name=cast.client.display_name).click()
    history = page.get_by_role("region", name="Alerts")
    expect(history).to_contain_text("No checkin")
    expect(history).to_contain_text("Resolved")
    expect(history).to_contain_text("Called the client: phone was broken, safe.")


@pytest.mark.django_db(transaction=True)
def test_front_desk_has_no_alert_inbox(new_page, cast):
    page = new_page()
    log_in(page, cast.front_desk.email, cast.password)
    expect(page.get_by_role("link", name="Alerts")).to_have_count(0)
    response = page.goto("/alerts/")
    assert response.status == 403
