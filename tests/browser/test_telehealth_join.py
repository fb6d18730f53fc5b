"""A client with a video session sees "Join" on their phone's home page only from 10 minutes
before the start: the live server's clock is moved with time-machine (the browser's is not
involved, the server decides)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from recoverypath.care import services as care_services
from recoverypath.scheduling import services

from .conftest import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://video.example.test/room/fictional-juniper"
SAFE = {
    "needs_withdrawal_management": False,
    "living_environment_unsafe": False,
    "acute_safety_risk": False,
    "can_attend_hours": True,
}


def test_the_join_button_shows_on_the_phone_only_in_the_window(cast, new_page):
    # Three days on: the server's clock only ever moves forward from the real one.
    start = (datetime.now(tz=UTC) + timedelta(days=3)).replace(
        hour=19, minute=0, second=0, microsecond=0
    )
    care_services.episode_start(
        actor=cast.clinician,
        client=cast.client,
        level_code="2.1",
        start_date=date.today(),  # noqa: DTZ011 - any recent day
        placement_answers=SAFE,
    )
    services.session_book(
        actor=cast.front_desk,
        client=cast.client,
        facilitator=cast.clinician,
        session_type="individual_counseling",
        starts_at=start,
        modality="video",
        telehealth_url=LINK,
    )
    page = new_page(viewport=PHONE)

    with time_machine.travel(start - timedelta(minutes=11), tick=True):
        # Signed in on the server's (moved) clock, so the session is fresh then.
        log_in(page, cast.client_user.email, cast.password)
        page.goto("/me/")
        card = page.get_by_test_id("next-appointment")
        expect(card).to_contain_text("Individual counseling")
        expect(card).to_contain_text("Video")
        expect(card).to_contain_text("10 minutes before the start")
        expect(page.get_by_role("link", name="Join")).to_have_count(0)

    with time_machine.travel(start - timedelta(minutes=5), tick=True):
        page.goto("/me/")
        join = page.get_by_role("link", name="Join")
        expect(join).to_be_visible()
        expect(join).to_have_attribute("href", LINK)
        box = join.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]  # no sideways scroll

    with time_machine.travel(start + timedelta(minutes=50), tick=True):
        page.goto("/me/")
        expect(page.get_by_role("link", name="Join")).to_have_count(0)
