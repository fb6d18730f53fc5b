"""On a 375 px phone, the installed client app offline: the home page (counter, people), the
safety plan and 988 open from the copy the service worker keeps; a check-in made offline waits
on the phone and is stored once when the phone is back online; logging out forgets the copies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from recoverypath.core.timezones import local_today
from recoverypath.monitoring.models import CheckIn
from recoverypath.monitoring.services import check_in_submit
from recoverypath.safety.services import safety_plan_create

from .conftest import PHONE, log_in

PLAN = {
    "warning_signs": "Staying in bed, skipping meals",
    "internal_coping": "Walk the dog along Thistle Lane",
    "social_distractions": "Library, coffee shop on Elm",
    "people_to_ask": "Marlow (sister)",
    "professionals": "Clinician Cleo; 988",
    "environment_safety": "Medications kept by Marlow",
    "reasons_for_living": "My niece",
}


def _cache_names(page) -> list[str]:
    return page.evaluate("() => caches.keys()")


def _queue(page) -> str | None:
    return page.evaluate("() => window.localStorage.getItem('rp-offline-check-ins')")


@pytest.mark.django_db(transaction=True)
def test_the_installed_app_opens_offline_and_a_check_in_made_offline_is_stored_once(new_page, cast):
    today = local_today(cast.client.time_zone)
    cast.client.sobriety_date = today - timedelta(days=40)
    cast.client.save(update_fields=["sobriety_date"])
    safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)

    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    assert page.url.endswith("/me/")
    # Installable: the manifest is linked, and the worker keeps the client's pages.
    assert page.locator("link[rel=manifest]").get_attribute("href") == "/manifest.webmanifest"
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "yes")
    assert {"rp-offline-pages", "rp-offline-static"} <= set(_cache_names(page))

    context = page.context
    context.set_offline(True)
    page.goto("/me/")
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    expect(page.get_by_test_id("sobriety-days")).to_have_text("40")
    expect(page.get_by_text("Marlow Quillfeather")).to_be_visible()  # my people
    expect(page.get_by_role("link", name="988").first).to_be_visible()

    page.get_by_role("link", name="My safety plan").click()
    expect(page.get_by_role("heading", name="My safety plan")).to_be_visible()
    expect(page.get_by_text("Walk the dog along Thistle Lane")).to_be_visible()
    expect(page.get_by_text("988").first).to_be_visible()
    expect(page.get_by_text("741741").first).to_be_visible()  # the crisis text line

    page.goto("/me/help/")
    expect(page.get_by_role("heading", name="I need help now")).to_be_visible()

    page.goto("/me/")
    page.get_by_test_id("scale-mood").get_by_text("4", exact=True).click()
    page.get_by_test_id("scale-craving").get_by_text("2", exact=True).click()
    page.get_by_label("Sleep last night (hours)").fill("7.5")
    page.get_by_test_id("scale-stress").get_by_text("3", exact=True).click()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_test_id("offline-status")).to_contain_text("saved on this phone")
    assert not CheckIn.objects.filter(client=cast.client).exists()
    assert _queue(page) is not None

    with page.expect_response("**/api/v1/check-ins/") as sent:
        context.set_offline(False)
    assert sent.value.status == 201
    assert sent.value.request.headers["idempotency-key"].startswith("check-in-")
    expect(page.get_by_test_id("offline-status")).to_contain_text("was sent")
    row = CheckIn.objects.get(client=cast.client)
    assert (row.date, row.mood, row.craving, row.stress, row.used) == (today, 4, 2, 3, False)
    assert str(row.sleep_hours) == "7.5"
    assert _queue(page) is None

    # Back online, loading the page again sends nothing more: it was stored once.
    page.reload()
    expect(page.get_by_test_id("sobriety-days")).to_have_text("40")
    assert CheckIn.objects.filter(client=cast.client).count() == 1
    assert CheckIn.objects.get(client=cast.client).revision == 1

    # Log out: the copies of the client's pages are gone from the phone.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")
    assert not [name for name in _cache_names(page) if name.startswith("rp-offline")]


@pytest.mark.django_db(transaction=True)
def test_a_queued_check_in_whose_answer_is_lost_is_sent_again_and_stored_once(new_page, cast):
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "yes")
    context = page.context
    context.set_offline(True)
    page.goto("/me/")
    page.get_by_test_id("scale-mood").get_by_text("2", exact=True).click()
    page.get_by_test_id("scale-craving").get_by_text("6", exact=True).click()
    page.get_by_label("Sleep last night (hours)").fill("5")
    page.get_by_test_id("scale-stress").get_by_text("8", exact=True).click()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_test_id("offline-status")).to_contain_text("saved on this phone")

    # The server stores it, but the answer never reaches the phone (the connection drops).
    delivered = []

    def lose_the_answer(route):
        delivered.append(route.fetch().status)
        route.abort("connectionreset")

    page.route("**/api/v1/check-ins/", lose_the_answer)
    context.set_offline(False)
    for _ in range(100):
        if delivered:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # the page sees the dropped connection
    assert delivered == [201]
    assert CheckIn.objects.filter(client=cast.client).count() == 1
    assert _queue(page) is not None  # kept: the phone does not know it was stored

    page.unroute("**/api/v1/check-ins/")
    with page.expect_response("**/api/v1/check-ins/") as again:
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
    assert again.value.status == 201
    assert again.value.headers["idempotent-replayed"] == "true"
    expect(page.get_by_test_id("offline-status")).to_contain_text("was sent")
    assert CheckIn.objects.filter(client=cast.client).count() == 1
    assert CheckIn.objects.get(client=cast.client).revision == 1
    assert _queue(page) is None


@pytest.mark.django_db(transaction=True)
def test_a_copy_from_yesterday_counts_today_and_offers_a_new_check_in(new_page, cast):
    today = local_today(cast.client.time_zone)
    cast.client.sobriety_date = today - timedelta(days=40)
    cast.client.save(update_fields=["sobriety_date"])
    check_in_submit(
        actor=cast.client_user,
        client=cast.client,
        mood=4,
        craving=1,
        sleep_hours=7,
        stress=2,
        used=False,
    )
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "yes")
    expect(
        page.get_by_role("heading", name="Today's check-in (saved, you can update it)")
    ).to_be_visible()

    page.context.set_offline(True)
    page.clock.set_fixed_time(datetime.now(UTC) + timedelta(days=1))
    page.goto("/me/")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    expect(page.get_by_test_id("sobriety-days")).to_have_text("41")
    expect(page.get_by_role("heading", name="Daily check-in")).to_be_visible()
    expect(page.get_by_test_id("scale-mood").get_by_label("4", exact=True)).not_to_be_checked()
