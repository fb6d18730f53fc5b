"""Invitations and the family view as people use them, on a phone, in headless Chromium."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from recoverypath.assessments.services import assessment_submit
from recoverypath.clients.models import Client
from recoverypath.consent.notices import part2_notice
from recoverypath.core.timezones import local_today

from .conftest import PHONE, log_in

LINK = re.compile(r"https?://[^/\s]+(/invite/[A-Za-z0-9_-]+/)")
PASSWORD = "harbor-lantern-quiet-81"


def _last_link() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


@pytest.mark.django_db(transaction=True)
def test_front_desk_registers_and_invites_a_client_who_sets_a_password_on_a_phone(new_page, cast):
    desk = new_page()
    log_in(desk, cast.front_desk.email, cast.password)
    desk.goto("/clients/new/")
    desk.get_by_label("Program").select_option(label="Program A")
    desk.get_by_label("Medical record number").fill("A-0777")
    desk.get_by_label("Legal first name").fill("Wren")
    desk.get_by_label("Legal last name").fill("Tealbrook")
    desk.get_by_label("Date of birth").fill("1991-03-09")
    desk.get_by_label("Email", exact=True).fill("wren@test.example.org")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text("Wren Tealbrook was registered.")).to_be_visible()

    expect(desk.get_by_label("Invite by e-mail")).to_have_value("wren@test.example.org")
    desk.get_by_role("button", name="Invite to RecoveryPath").click()
    expect(desk.get_by_text("Invitation sent to wren@test.example.org.")).to_be_visible()
    expect(desk.get_by_test_id("client-invitations")).to_contain_text("Waiting")

    phone = new_page(PHONE)
    phone.goto(_last_link())
    expect(phone.get_by_role("heading", name="Welcome to RecoveryPath")).to_be_visible()
    phone.get_by_label("Your date of birth").fill("1991-03-09")
    phone.get_by_label(re.compile(r"^Password(?! again)")).fill(PASSWORD)
    phone.get_by_label("Password again").fill(PASSWORD)
    phone.get_by_role("button", name="Set my password").click()
    expect(phone.get_by_role("heading", name="Hi, Wren")).to_be_visible()
    assert phone.url.endswith("/me/")
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    client = Client.objects.get(mrn="A-0777")
    assert client.user.email == "wren@test.example.org"

    desk.reload()
    expect(desk.get_by_test_id("client-login")).to_contain_text("Has a login")

    again = new_page(PHONE)
    again.goto(_last_link())
    expect(again.get_by_role("heading", name="This invitation link does not work")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_client_shares_attendance_and_sobriety_with_their_sister_then_revokes(new_page, cast):
    today = local_today("America/New_York")
    Client.objects.filter(pk=cast.client.pk).update(sobriety_date=today - timedelta(days=45))
    assessment_submit(actor=cast.clinician, client=cast.client, instrument="GAD-7", answers=[2] * 7)

    me = new_page(PHONE)
    log_in(me, cast.client_user.email, cast.password)
    me.get_by_role("link", name="My consents").click()
    me.get_by_role("link", name="Share with someone").click()
    me.get_by_label("Who may see it (full name)").fill("Marlow Quillfeather")
    me.get_by_label("Who they are to you").fill("sister")
    me.get_by_label("Attendance", exact=True).check()
    me.get_by_label("Sobriety days and milestones").check()
    me.get_by_label("Until (date)").fill((today + timedelta(days=90)).isoformat())
    me.get_by_label(re.compile("I understand I can revoke")).check()
    me.get_by_label("Sign by typing your full name").fill("Juniper Quillfeather")
    me.get_by_label(re.compile("I attest")).check()
    me.get_by_role("button", name="Sign and share").click()
    expect(me.get_by_text("Consent signed.")).to_be_visible()
    expect(me.get_by_text("May see: Attendance, Sobriety days and milestones")).to_be_visible()
    me.get_by_label("Their e-mail").fill("marlow@test.example.org")
    me.get_by_role("button", name="Send them an invitation").click()
    expect(me.get_by_text("Invitation sent to marlow@test.example.org.")).to_be_visible()

    sister = new_page(PHONE)
    sister.goto(_last_link())
    sister.get_by_label("Your first name").fill("Marlow")
    sister.get_by_label(re.compile(r"^Password(?! again)")).fill(PASSWORD)
    sister.get_by_label("Password again").fill(PASSWORD)
    sister.get_by_role("button", name="Set my password").click()
    expect(sister.get_by_role("heading", name="Family", exact=True)).to_be_visible()
    expect(sister.get_by_test_id("redisclosure-notice")).to_contain_text(part2_notice())
    expect(sister.get_by_role("heading", name="Attendance")).to_be_visible()
    expect(sister.get_by_role("heading", name="Sobriety days and milestones")).to_be_visible()
    expect(sister.get_by_text("45 days sober")).to_be_visible()
    expect(sister.get_by_text("Assessment scores")).to_have_count(0)
    expect(sister.get_by_text("GAD-7")).to_have_count(0)
    expect(sister.get_by_text("Aftercare plan")).to_have_count(0)
    expect(sister.get_by_role("link", name="Al-Anon")).to_be_visible()
    expect(sister.get_by_text("Call or text 988 any time")).to_be_visible()
    assert sister.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    me.get_by_role("button", name="Revoke").click()
    expect(me.get_by_text("Revoked.")).to_be_visible()

    sister.reload()
    expect(sister.get_by_text("Nothing is shared with you right now.")).to_be_visible()
    expect(sister.get_by_role("heading", name="Attendance")).to_have_count(0)
    expect(sister.get_by_text("45 days sober")).to_have_count(0)
    expect(sister.get_by_text("Quillfeather")).to_have_count(0)

    me.goto("/me/")
    me.get_by_role("link", name="Who saw my record").click()
    views = me.get_by_test_id("disclosures").get_by_role("listitem")
    expect(views.filter(has_text="Marlow Quillfeather (sister) saw Attendance")).to_have_count(1)
    expect(
        views.filter(has_text="Marlow Quillfeather (sister) saw Sobriety days and milestones")
    ).to_have_count(1)
