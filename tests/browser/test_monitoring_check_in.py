"""On a 375 px phone: a check-in in at most 3 taps plus the scales and hours of sleep, a
reported use, restarting the counter; then the coordinator sees the alert and the sparkline on
the dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from recoverypath.aftercare.services import aftercare_plan_start
from recoverypath.core.timezones import local_today
from recoverypath.monitoring.models import CheckIn, Lapse

from .conftest import DESKTOP, PHONE, log_in


class Taps:
    """Counts the taps a person makes (the scales and hours of sleep are counted apart)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        self.count += 1
        locator.click()


@pytest.mark.django_db(transaction=True)
def test_a_client_checks_in_reports_a_use_and_restarts_and_the_coordinator_sees_it(new_page, cast):
    today = local_today(cast.client.time_zone)
    cast.client.sobriety_date = today - timedelta(days=40)
    cast.client.save(update_fields=["sobriety_date"])
    aftercare_plan_start(actor=cast.coordinator, client=cast.client, start_date=today)

    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    assert page.get_by_test_id("sobriety-days").inner_text() == "40"
    taps = Taps(page)
    page.get_by_test_id("scale-mood").get_by_text("2", exact=True).click()
    page.get_by_test_id("scale-craving").get_by_text("8", exact=True).click()
    page.get_by_label("Sleep last night (hours)").fill("5")
    page.get_by_test_id("scale-stress").get_by_text("7", exact=True).click()
    taps.tap(page.get_by_label("Yes", exact=True))
    taps.tap(page.get_by_label("Alcohol"))
    taps.tap(page.get_by_role("button", name="Save check-in"))
    assert taps.count <= 3

    page.get_by_role("heading", name="Thank you for telling us").wait_for()
    assert page.get_by_text("Either way, your history stays").is_visible()
    # The default restart counts from the day after the lapse (clients/sobriety.py).
    page.get_by_role("button", name=re.compile(r"^Yes, count from \w+ \d+$")).click()
    page.get_by_text("Your counter starts again from").wait_for()
    assert page.get_by_test_id("sobriety-days").inner_text() == "0"
    assert page.get_by_test_id("longest-streak").inner_text() == "40 days"

    row = CheckIn.objects.get(client=cast.client)
    assert (row.mood, row.craving, row.stress, row.used) == (2, 8, 7, True)
    assert Lapse.objects.get(client=cast.client).counter_restarted is True

    desk = new_page(DESKTOP)
    log_in(desk, cast.coordinator.email, cast.password)
    desk.goto("/aftercare/caseload/")
    table_row = desk.get_by_test_id("caseload-row").filter(has_text="Quillfeather")
    assert table_row.get_by_text(re.compile(r"1 · high")).is_visible()
    assert table_row.get_by_text(re.compile("reported using Alcohol")).is_visible()
    sparkline = table_row.get_by_role("img", name=re.compile("14 days: craving 8"))
    assert sparkline.is_visible()
    assert sparkline.bounding_box()["width"] > 50
