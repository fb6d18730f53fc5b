"""Who may read check-ins and reach the monitoring pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from recoverypath.monitoring.models import CheckIn
from tests.conftest import api_as

from .conftest import make_check_ins

URL = "/api/v1/check-ins/"


@pytest.fixture
def with_check_ins(cast):
    with time_machine.travel(datetime(2026, 6, 10, 15, 0, tzinfo=UTC), tick=False):
        make_check_ins(cast.client, today=datetime(2026, 6, 10).date(), values=[(3, 2)] * 5)
        make_check_ins(
            cast.other_program_client, today=datetime(2026, 6, 10).date(), values=[(3, 2)]
        )
        yield cast


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("clinician", 200),
        ("coordinator", 200),
        ("front_desk", 403),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("client_user", 200),
    ],
)
def test_reading_a_clients_check_ins_by_role(with_check_ins, who, status):
    cast = with_check_ins
    response = api_as(getattr(cast, who)).get(URL, {"client": cast.client.id})
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["count"] == 5


def test_a_client_lists_their_own_without_the_parameter(with_check_ins):
    response = api_as(with_check_ins.client_user).get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 5


def test_a_client_cannot_read_another_clients_check_ins(with_check_ins):
    cast = with_check_ins
    response = api_as(cast.client_user).get(URL, {"client": cast.other_program_client.id})
    assert response.status_code == 404


def test_staff_must_name_the_client(with_check_ins):
    response = api_as(with_check_ins.coordinator).get(URL)
    assert response.status_code == 400
    assert "client" in response.json()["error"]["fields"]


def test_anonymous_gets_nothing(with_check_ins):
    assert api_as(None).get(URL, {"client": with_check_ins.client.id}).status_code in (401, 403)


def test_the_list_runs_a_fixed_number_of_queries(with_check_ins, django_assert_max_num_queries):
    cast = with_check_ins
    with django_assert_max_num_queries(8):
        api_as(cast.coordinator).get(URL, {"client": cast.client.id})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("clinician", 200),
        ("coordinator", 200),
        ("front_desk", 403),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("client_user", 403),
    ],
)
def test_staff_check_in_page_by_role(client, with_check_ins, who, status):
    cast = with_check_ins
    client.force_login(getattr(cast, who))
    response = client.get(f"/clients/{cast.client.id}/check-ins/")
    assert response.status_code == status


@pytest.mark.parametrize("path", ["/me/check-ins/", "/me/meetings/", "/me/check-in/"])
def test_client_pages_are_for_clients_only(client, cast, path):
    client.force_login(cast.coordinator)
    assert client.get(path).status_code == 404
    client.force_login(cast.client_user)
    assert client.get(path).status_code in (200, 302)
    client.logout()
    assert client.get(path).status_code == 302  # to the login page


def test_a_client_cannot_answer_another_clients_lapse(client, cast):
    from recoverypath.monitoring.models import Lapse

    lapse = Lapse.objects.create(client=cast.other_program_client, date=datetime(2026, 1, 1))
    client.force_login(cast.client_user)
    assert client.post(f"/me/lapses/{lapse.id}/", {"restart": "yes"}).status_code == 404
    lapse.refresh_from_db()
    assert lapse.counter_restarted is None
    assert CheckIn.objects.count() == 0
