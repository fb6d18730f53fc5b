"""The monitoring pages and endpoints over the whole cast, where other tests name only some roles.

The client's own pages (/me/...) exist only for a client: every staff role gets 404 (no staff
area to hint at), anonymous visitors go to the login page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from recoverypath.monitoring.models import CheckIn, Lapse
from tests.conftest import api_as

STAFF = ["admin", "clinician", "coordinator", "front_desk", "other_program_clinician", "outsider"]


def _login(web, cast, who: str) -> None:
    if who != "anonymous":
        web.force_login(getattr(cast, who))


@pytest.fixture
def lapse(cast):
    with time_machine.travel(datetime(2026, 6, 10, 15, 0, tzinfo=UTC), tick=False):
        yield Lapse.objects.create(client=cast.client, date=date(2026, 6, 9), substance="alcohol")


@pytest.mark.parametrize("path", ["/me/check-ins/", "/me/meetings/", "/me/check-in/"])
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("client_user", None)] + [(who, 404) for who in STAFF],
)
def test_the_clients_own_pages_by_role(client, cast, path, who, status):
    _login(client, cast, who)
    response = client.get(path)
    if status is None:  # the client: the page, or (check-in form) back to their home page
        assert response.status_code in (200, 302)
        assert "/login" not in response.get("Location", "")
    else:
        assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("client_user", 200)] + [(who, 404) for who in STAFF]
)
def test_the_lapse_question_page_by_role(client, cast, lapse, who, status):
    _login(client, cast, who)
    assert client.get(f"/me/lapses/{lapse.id}/").status_code == status


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302)] + [(who, 404) for who in STAFF])
def test_only_the_client_answers_the_lapse_question_on_the_web(client, cast, lapse, who, status):
    _login(client, cast, who)
    assert client.post(f"/me/lapses/{lapse.id}/", {"restart": "yes"}).status_code == status
    lapse.refresh_from_db()
    assert lapse.counter_restarted is None


def test_anonymous_visitors_of_the_staff_check_in_page_go_to_log_in(client, cast):
    response = client.get(f"/clients/{cast.client.id}/check-ins/")
    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize("who", ["other_program_clinician", "outsider"])
def test_staff_of_other_programs_may_not_submit_a_check_in(cast, who):
    body = {"mood": 4, "craving": 2, "sleep_hours": 7, "stress": 3, "used": False}
    response = api_as(getattr(cast, who)).post("/api/v1/check-ins/", body, format="json")
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("raw", ["0", "99999999999999999999999"])
def test_a_client_id_out_of_range_is_a_400_on_every_monitoring_list(cast, raw):
    api = api_as(cast.coordinator)
    for url in ("/api/v1/check-ins/", "/api/v1/lapses/", "/api/v1/meeting-attendance/"):
        response = api.get(url, {"client": raw})
        assert response.status_code == 400, url
        assert "client" in response.json()["error"]["fields"]
