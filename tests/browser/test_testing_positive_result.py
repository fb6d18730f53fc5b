"""A coordinator records a collection and a lab-confirmed positive; the client's record, the
client's phone (375 px) and the alert inbox show it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.testing.conftest import make_policy

from .conftest import DESKTOP, PHONE, log_in


@pytest.mark.django_db(transaction=True)
def test_a_recorded_positive_shows_on_the_record_the_phone_and_the_inbox(new_page, cast):
    make_policy(cast.client, start_date=date(2026, 1, 1))
    collected = timezone.now().astimezone(ZoneInfo(cast.program.time_zone)) - timedelta(minutes=40)

    desk = new_page(DESKTOP)
    log_in(desk, cast.coordinator.email, cast.password)
    desk.goto(f"/clients/{cast.client.id}/testing/")
    desk.get_by_text("Record a collection").click()
    desk.get_by_label("Collected at").fill(collected.strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_role("combobox", name=re.compile("^Specimen")).select_option("urine")
    desk.get_by_label("Collector").fill("Cora Coordwell")
    desk.get_by_label("Chain-of-custody form number").fill("COC-2026-0042")
    desk.get_by_role("button", name="Record collection").click()
    expect(desk.get_by_text("Collection recorded.")).to_be_visible()
    expect(desk.get_by_test_id("test-row")).to_contain_text("Awaiting results")

    desk.get_by_text("Record a result").click()
    desk.get_by_label("Analyte").select_option(label="Cocaine")
    desk.get_by_label("Stage").select_option("confirmed")
    desk.get_by_label("Value (ng/mL)").fill("320")
    desk.get_by_role("button", name="Save result").click()
    expect(desk.get_by_text("Result recorded.")).to_be_visible()
    row = desk.get_by_test_id("test-row")
    expect(row).to_contain_text("Positive")
    expect(row).to_contain_text("Cocaine: Positive (320 ng/mL, cut-off 100)")

    desk.goto(f"/clients/{cast.client.id}/")
    expect(desk.get_by_test_id("panel-test").first).to_contain_text("Positive · Cocaine")

    desk.goto("/alerts/")
    expect(desk.get_by_role("main")).to_contain_text("Positive drug test")

    phone = new_page(PHONE)
    log_in(phone, cast.client_user.email, cast.password)
    phone.get_by_role("link", name="My tests").click()
    mine = phone.get_by_test_id("my-test").first
    expect(mine).to_contain_text("Positive")
    expect(mine).to_contain_text("Cocaine: positive")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
