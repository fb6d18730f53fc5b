"""Lapses and support-group meetings over JSON: clients their own, coordinators and up read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoverypath.core.models import AuditEvent
from recoverypath.monitoring.models import Lapse, MeetingAttendance
from tests.conftest import api_as
from tests.earlywarning.conftest import TODAY, at_noon  # noqa: F401 (a fixture)
from tests.factories import ClientFactory

pytestmark = pytest.mark.usefixtures("at_noon")

LAPSES = "/api/v1/lapses/"
MEETINGS = "/api/v1/meeting-attendance/"
READ_BY_ROLE = [
    ("admin", 200),
    ("clinician", 200),
    ("coordinator", 200),
    ("front_desk", 403),
    ("other_program_clinician", 404),
    ("outsider", 404),
    ("client_user", 200),
    ("anonymous", 401),
]


def _as(cast, who: str):
    return api_as(None if who == "anonymous" else getattr(cast, who))


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


@pytest.fixture
def lapse(cast):
    return Lapse.objects.create(
        client=cast.client, date=TODAY - timedelta(days=2), substance="alcohol"
    )


def _lapses(client, n: int, first: int = 10) -> None:
    Lapse.objects.bulk_create(
        [
            Lapse(client=client, date=TODAY - timedelta(days=first + i), substance="alcohol")
            for i in range(n)
        ]
    )


def _meetings(client, n: int, first: int = 0) -> None:
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(
                client=client, date=TODAY - timedelta(days=first + i), meeting_type="aa"
            )
            for i in range(n)
        ]
    )


# Lapses


@pytest.mark.parametrize("who,status", READ_BY_ROLE)
def test_lapse_list_access_by_role(cast, lapse, who, status):
    response = _as(cast, who).get(LAPSES, {"client": cast.client.id})
    assert response.status_code == status
    if status == 200:
        assert [row["id"] for row in response.json()["results"]] == [lapse.id]


def test_a_client_lists_their_own_lapses_without_a_parameter(cast, lapse):
    response = api_as(cast.client_user).get(LAPSES)
    assert response.status_code == 200
    assert response.json()["results"][0]["substance"] == "alcohol"
    assert AuditEvent.objects.filter(action="list", object_type="monitoring.lapse").exists()


def test_staff_must_name_the_client_and_a_bad_id_is_a_400(cast, lapse):
    api = api_as(cast.coordinator)
    assert "client" in _fields(api.get(LAPSES))
    assert "client" in _fields(api.get(LAPSES, {"client": "abc"}))
    assert "client" in _fields(api.get(LAPSES, {"client": "0"}))


def test_a_client_cannot_list_another_clients_lapses(cast, lapse):
    response = api_as(cast.client_user).get(LAPSES, {"client": cast.other_program_client.id})
    assert response.status_code == 404


@pytest.mark.parametrize("who,status", READ_BY_ROLE)
def test_lapse_detail_access_by_role(cast, lapse, who, status):
    assert _as(cast, who).get(f"{LAPSES}{lapse.id}/").status_code == status


def test_reading_one_lapse_is_audited(cast, lapse):
    api_as(cast.coordinator).get(f"{LAPSES}{lapse.id}/")
    assert AuditEvent.objects.filter(
        action="read", object_type="monitoring.lapse", object_id=str(lapse.id)
    ).exists()


def test_the_client_chooses_to_keep_their_count(cast, lapse):
    response = api_as(cast.client_user).post(
        f"{LAPSES}{lapse.id}/restart-counter/", {"restart": False}
    )
    assert response.status_code == 200
    assert response.json()["counter_restarted"] is False


def test_the_client_restarts_their_counter_and_a_second_answer_changes_nothing(cast, lapse):
    api = api_as(cast.client_user)
    first = api.post(f"{LAPSES}{lapse.id}/restart-counter/", {"restart": True})
    assert first.status_code == 200
    assert first.json()["counter_restarted"] is True
    again = api.post(f"{LAPSES}{lapse.id}/restart-counter/", {"restart": False})
    assert again.json()["counter_restarted"] is True


@pytest.mark.parametrize(
    "who,status",
    [
        ("admin", 403),
        ("clinician", 403),
        ("coordinator", 403),
        ("front_desk", 403),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_only_the_client_decides_about_their_counter(cast, lapse, who, status):
    response = _as(cast, who).post(f"{LAPSES}{lapse.id}/restart-counter/", {"restart": True})
    assert response.status_code == status
    lapse.refresh_from_db()
    assert lapse.counter_restarted is None


@pytest.mark.parametrize("body", [{}, {"restart": "perhaps"}, {"restart": None}])
def test_a_bad_restart_answer_is_a_400(cast, lapse, body):
    response = api_as(cast.client_user).post(f"{LAPSES}{lapse.id}/restart-counter/", body)
    assert "restart" in _fields(response)


def test_an_unknown_or_malformed_lapse_id_is_a_404(cast):
    api = api_as(cast.coordinator)
    assert api.get(f"{LAPSES}999999/").status_code == 404
    assert api.get(f"{LAPSES}abc/").status_code == 404


# Meetings


def test_a_client_logs_a_signed_meeting(cast):
    response = api_as(cast.client_user).post(
        MEETINGS,
        {
            "date": str(TODAY - timedelta(days=1)),
            "meeting_type": "na",
            "meeting_name": "Tuesday Hope",
            "signature": "J.Q.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["verification"] == "signature"
    assert body["has_sheet"] is False
    assert MeetingAttendance.objects.filter(client=cast.client).count() == 1


@pytest.mark.parametrize(
    "who,status",
    [
        ("admin", 403),
        ("clinician", 403),
        ("coordinator", 403),
        ("front_desk", 403),
        ("other_program_clinician", 403),
        ("outsider", 403),
        ("anonymous", 401),
    ],
)
def test_only_a_client_logs_a_meeting_for_themself(cast, who, status):
    response = _as(cast, who).post(MEETINGS, {"date": str(TODAY), "meeting_type": "aa"})
    assert response.status_code == status
    assert not MeetingAttendance.objects.exists()


@pytest.mark.parametrize(
    "body,field",
    [
        ({"date": "2026-06-20", "meeting_type": "aa"}, "date"),
        ({"date": "yesterday", "meeting_type": "aa"}, "date"),
        ({"date": "2026-06-14", "meeting_type": "bingo"}, "meeting_type"),
        ({"date": "2026-06-14"}, "meeting_type"),
        ({"date": "2026-06-14", "meeting_type": "aa", "meeting_name": "x" * 201}, "meeting_name"),
    ],
)
def test_a_bad_meeting_is_a_400_with_field_messages(cast, body, field):
    assert field in _fields(api_as(cast.client_user).post(MEETINGS, body))


@pytest.mark.parametrize("who,status", READ_BY_ROLE)
def test_meeting_list_access_by_role(cast, who, status):
    _meetings(cast.client, 2)
    response = _as(cast, who).get(MEETINGS, {"client": cast.client.id})
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == 2


def test_a_client_lists_their_own_meetings(cast):
    _meetings(cast.client, 3)
    _meetings(cast.other_program_client, 2)
    response = api_as(cast.client_user).get(MEETINGS)
    assert response.json()["count"] == 3


# Fixed query counts


def _count(api, url, params) -> int:
    api.get(url, params)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url,grow", [(LAPSES, _lapses), (MEETINGS, _meetings)])
def test_lists_run_the_same_queries_for_2_and_20_rows(cast, url, grow, django_assert_num_queries):
    api = api_as(cast.coordinator)
    params = {"client": cast.client.id}
    grow(cast.client, 2)
    small = _count(api, url, params)
    grow(ClientFactory(program=cast.program), 5)  # other clients' rows never leak in
    grow(cast.client, 18, first=40)
    with django_assert_num_queries(small):
        response = api.get(url, params)
    assert response.json()["count"] == 20
