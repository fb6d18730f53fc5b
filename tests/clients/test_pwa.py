"""The client pages as an installable app: the manifest, the service worker and what it may keep.

The worker itself runs in the browser (tests/browser/test_pwa_offline.py); here: what the server
answers, that only the client's own pages are listed and marked, and that the check-in the phone
queues offline is stored once however often it is sent.
"""

from __future__ import annotations

import json
import re
import struct
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.test import Client as WebClient
from django.urls import resolve, reverse

from recoverypath.clients.pwa import OFFLINE_MARK, offline_owner
from recoverypath.core.timezones import local_today
from recoverypath.monitoring.models import CheckIn

CLIENT_PAGES = ["/me/", "/me/safety-plan/", "/me/help/"]
STAFF = ["admin", "clinician", "coordinator", "front_desk", "other_program_clinician", "outsider"]


def web_as(user) -> WebClient:
    web = WebClient()
    if user is not None:
        web.force_login(user)
    return web


def worker_config(body: str) -> dict:
    match = re.search(r"^const CONFIG = (.*);$", body, re.MULTILINE)
    assert match, "the worker declares its CONFIG on one line"
    return json.loads(match.group(1))


def png_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as image:
        head = image.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


# ---- the manifest ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_manifest_installs_the_clients_home_as_a_standalone_app():
    response = WebClient().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "RecoveryPath"
    assert manifest["start_url"] == reverse("clients:me") == "/me/"
    assert manifest["scope"] == "/me/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#12355b"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        side = int(icon["sizes"].split("x")[0])
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        assert png_size(path) == (side, side)


# ---- the service worker ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_worker_is_served_as_javascript_from_the_root_allowed_to_control_the_client_pages():
    response = WebClient().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/me/"
    assert response["Cache-Control"] == "no-cache"  # a new worker reaches phones at once
    assert resolve("/sw.js").url_name == "service_worker"


@pytest.mark.django_db
def test_the_worker_keeps_only_the_clients_own_pages_and_says_staff_pages_are_never_cached():
    body = WebClient().get("/sw.js").content.decode()
    config = worker_config(body)
    assert config["pages"] == CLIENT_PAGES
    assert config["mark"] == OFFLINE_MARK
    assert all(page.startswith("/me/") for page in config["pages"])
    staff_pages = [
        reverse("clients:caseload"),
        reverse("clients:detail", kwargs={"client_id": 1}),
        reverse("safety:plan", kwargs={"client_id": 1}),
        reverse("monitoring:staff_check_ins", kwargs={"client_id": 1}),
        reverse("alerts:inbox"),
        "/api/v1/check-ins/",
    ]
    assert not set(staff_pages) & set(config["pages"])
    assert "Staff pages are NEVER cached" in body
    assert "Sign-out clears everything" in body


@pytest.mark.django_db
@pytest.mark.parametrize("path", CLIENT_PAGES)
def test_each_listed_page_is_marked_for_its_client_and_for_no_one_else(cast, path):
    mine = web_as(cast.client_user).get(path)
    assert mine.status_code == 200
    assert mine[OFFLINE_MARK] == offline_owner(cast.client_user)
    for role in STAFF:
        response = web_as(getattr(cast, role)).get(path)
        assert response.status_code == 404, role
        assert OFFLINE_MARK not in response, role
    anonymous = WebClient().get(path)
    assert anonymous.status_code == 302
    assert OFFLINE_MARK not in anonymous


@pytest.mark.django_db
def test_the_owner_token_differs_per_person_and_does_not_show_the_user_id(cast):
    mine, theirs = offline_owner(cast.client_user), offline_owner(cast.clinician)
    assert mine != theirs
    assert str(cast.client_user.pk) not in (mine, theirs)
    assert len(mine) == 32


@pytest.mark.django_db
def test_a_staff_page_is_never_marked_and_does_not_register_the_worker(cast):
    for path in (reverse("clients:caseload"), reverse("clients:detail", args=[cast.client.id])):
        response = web_as(cast.clinician).get(path)
        assert response.status_code == 200
        assert OFFLINE_MARK not in response
        html = response.content.decode()
        assert 'rel="manifest"' not in html
        assert "data-sw-url" not in html


@pytest.mark.django_db
def test_the_clients_home_links_the_manifest_and_asks_the_worker_to_refresh(cast):
    html = web_as(cast.client_user).get("/me/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'data-sw-url="/sw.js"' in html
    assert 'data-sw-scope="/me/"' in html
    assert f'data-offline-owner="{offline_owner(cast.client_user)}"' in html
    assert 'data-offline-warm="1"' in html
    assert 'data-offline-queue="/api/v1/check-ins/"' in html
    plan_page = web_as(cast.client_user).get("/me/safety-plan/").content.decode()
    assert 'data-sw-url="/sw.js"' in plan_page
    assert "data-offline-warm" not in plan_page  # only the home page refreshes the copies


# ---- the queued check-in --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_check_in_queued_offline_is_stored_once_for_its_day_however_often_it_is_sent(cast):
    """What offline.js sends: the session's cookie, the page's CSRF token, the day it was made
    (the client's zone) and one Idempotency-Key for every try."""
    web = WebClient(enforce_csrf_checks=True)
    web.force_login(cast.client_user)
    web.get("/me/")
    token = web.cookies["csrftoken"].value
    yesterday = local_today(cast.client.time_zone) - timedelta(days=1)
    body = {
        "date": yesterday.isoformat(),
        "mood": 4,
        "craving": 2,
        "stress": 3,
        "sleep_hours": "7.5",
        "used": False,
        "substances": [],
        "triggers": [],
        "trigger_other": "",
        "coping": [],
        "note": "",
    }
    headers = {"Idempotency-Key": "check-in-offline-1", "X-CSRFToken": token}

    def send():
        return web.post(
            "/api/v1/check-ins/", json.dumps(body), content_type="application/json", headers=headers
        )

    first, again = send(), send()
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    row = CheckIn.objects.get(client=cast.client)
    assert (row.date, row.mood, row.revision) == (yesterday, 4, 1)


@pytest.mark.django_db
def test_a_queued_check_in_without_the_csrf_token_is_refused_and_nothing_is_stored(cast):
    web = WebClient(enforce_csrf_checks=True)
    web.force_login(cast.client_user)
    response = web.post(
        "/api/v1/check-ins/",
        json.dumps({"mood": 4, "craving": 2, "stress": 3, "sleep_hours": 7, "used": False}),
        content_type="application/json",
        headers={"Idempotency-Key": "check-in-offline-2"},
    )
    assert response.status_code == 403  # offline.js keeps it and asks to log in again
    assert not CheckIn.objects.exists()
