"""The foundation as people use it, in headless Chromium against the live server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from recoverypath.clients.models import Client

from .conftest import PHONE, log_in


def _watch_console(page: Page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return problems


def _no_horizontal_scroll(page: Page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.django_db(transaction=True)
def test_a_clinician_searches_the_caseload_opens_a_client_and_edits_the_phone(new_page, cast):
    page = new_page()
    csp_errors = _watch_console(page)
    log_in(page, cast.clinician.email, cast.password)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()

    page.get_by_label("Search name or MRN").fill("Quillfeather")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")
    link = page.get_by_role("link", name="Quillfeather, Juniper")
    expect(link).to_be_visible()
    expect(page.get_by_text("1 client", exact=True)).to_be_visible()

    link.click()
    expect(page.get_by_role("heading", name=re.compile("Juniper Quillfeather"))).to_be_visible()
    expect(page.get_by_test_id("client-phone")).to_have_text("(202) 555-0143")

    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Phone").fill("(312) 555-0199")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.get_by_test_id("client-phone")).to_have_text("(312) 555-0199")
    assert Client.objects.get(pk=cast.client.pk).phone == "+13125550199"
    assert csp_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_bad_phone_number_shows_a_message_next_to_the_field(new_page, cast):
    page = new_page()
    log_in(page, cast.clinician.email, cast.password)
    page.goto(f"/clients/{cast.client.id}/edit/")
    page.get_by_label("Phone").fill("not a number")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text="valid phone number")).to_be_visible()
    assert Client.objects.get(pk=cast.client.pk).phone == "+12025550143"


@pytest.mark.django_db(transaction=True)
def test_a_client_on_a_phone_sees_only_their_own_home(new_page, cast):
    page = new_page(PHONE)
    csp_errors = _watch_console(page)
    log_in(page, cast.client_user.email, cast.password)
    assert page.url.endswith("/me/")
    expect(page.get_by_role("heading", name="Hi, Juniper")).to_be_visible()
    expect(page.get_by_role("heading", name="My people")).to_be_visible()
    expect(page.get_by_text("Marlow Quillfeather")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_role("link", name="Caseload")).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit log")).to_have_count(0)
    assert _no_horizontal_scroll(page) <= PHONE["width"]

    for url in (
        "/clients/",
        f"/clients/{cast.client.id}/",
        f"/clients/{cast.other_program_client.id}/",
        f"/clients/{cast.other_program_client.id}/contacts/new/",
        "/audit/",
        "/todo/",
    ):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.get_by_text("Bramble")).to_have_count(0)
        assert _no_horizontal_scroll(page) <= PHONE["width"]
    assert csp_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_clinician_of_program_a_gets_404_for_a_client_of_program_b(new_page, cast):
    page = new_page()
    log_in(page, cast.clinician.email, cast.password)
    response = page.goto(f"/clients/{cast.other_program_client.id}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("Mossbottom")).to_have_count(0)
    # The layout is still there: navigation and the crisis line.
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload")
    ).to_be_visible()
    expect(page.get_by_role("link", name="988")).to_be_visible()

    page.goto("/clients/")
    expect(page.get_by_role("link", name=re.compile("Quillfeather"))).to_be_visible()
    expect(page.get_by_text("Mossbottom")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_a_clinician_of_program_b_gets_404_for_a_client_of_program_a(new_page, cast):
    page = new_page(PHONE)
    log_in(page, cast.other_program_clinician.email, cast.password)
    response = page.goto(f"/clients/{cast.client.id}/")
    assert response.status == 404
    expect(page.get_by_text("Quillfeather")).to_have_count(0)
    assert _no_horizontal_scroll(page) <= PHONE["width"]
