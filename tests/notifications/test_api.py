"""The notifications API: a person's own in-app notifications and settings, nobody else's."""

from __future__ import annotations

import pytest

from recoverypath.notifications.models import Notification, NotificationPreference
from recoverypath.notifications.services import notification_queue
from tests.conftest import api_as


def _notice(user, headline: str):
    notification_queue(
        recipient=user, template="reminder", context={"headline": headline}, channels=["in_app"]
    )


def test_people_list_only_their_own_notifications(cast):
    _notice(cast.coordinator, "For Cora")
    _notice(cast.clinician, "For Cleo")
    body = api_as(cast.coordinator).get("/api/v1/notifications/").json()
    assert body["count"] == 1
    assert "For Cora" in body["results"][0]["body"]


def test_marking_read_touches_only_the_callers_notifications(cast):
    _notice(cast.coordinator, "For Cora")
    _notice(cast.clinician, "For Cleo")
    mine = Notification.objects.get(recipient=cast.coordinator)
    theirs = Notification.objects.get(recipient=cast.clinician)
    api = api_as(cast.coordinator)
    response = api.post("/api/v1/notifications/read/", {"ids": [mine.id, theirs.id]}, format="json")
    # Someone else's id is "Not found." like any id out of reach, and nothing is marked.
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"ids.1": ["Not found."]}
    mine.refresh_from_db()
    assert mine.read_at is None
    response = api.post("/api/v1/notifications/read/", {"ids": [mine.id]}, format="json")
    assert response.json() == {"marked": 1}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_marking_read_refuses_bad_ids_with_a_field_message(cast):
    response = api_as(cast.coordinator).post(
        "/api/v1/notifications/read/", {"ids": ["x"]}, format="json"
    )
    assert response.status_code == 400
    assert "ids" in "".join(response.json()["error"]["fields"])


def test_the_notification_list_runs_a_fixed_number_of_queries(cast, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(cast.coordinator)
    _notice(cast.coordinator, "one")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/notifications/")
    for index in range(30):
        _notice(cast.coordinator, f"more {index}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/notifications/").json()["count"] == 31


def test_settings_read_and_save_for_the_caller(cast):
    api = api_as(cast.coordinator)
    assert api.get("/api/v1/notification-preferences/").json()["in_app"] is True
    response = api.put(
        "/api/v1/notification-preferences/",
        {
            "in_app": True,
            "email": False,
            "sms": True,
            "phone": "(202) 555-0147",
            "quiet_hours_start": "21:00",
            "quiet_hours_end": "07:00",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    saved = NotificationPreference.objects.get(user=cast.coordinator)
    assert saved.phone == "+12025550147" and saved.sms and not saved.email


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"in_app": True, "email": True, "sms": True, "phone": ""}, "phone"),
        ({"in_app": True, "email": True, "sms": False, "phone": "12"}, "phone"),
        ({"in_app": False, "email": False, "sms": False}, "in_app"),
        (
            {"in_app": True, "email": True, "sms": False, "quiet_hours_start": "22:00"},
            "quiet_hours_end",
        ),
        (
            {
                "in_app": True,
                "email": True,
                "sms": False,
                "quiet_hours_start": "25:00",
                "quiet_hours_end": "07:00",
            },
            "quiet_hours_start",
        ),
        ({"email": True}, "in_app"),
    ],
)
def test_bad_settings_are_a_400_naming_the_field(cast, body, field):
    response = api_as(cast.coordinator).put(
        "/api/v1/notification-preferences/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not NotificationPreference.objects.filter(user=cast.coordinator).exists()


@pytest.mark.parametrize("url", ["/api/v1/notifications/", "/api/v1/notification-preferences/"])
def test_anonymous_callers_get_401(db, url):
    assert api_as(None).get(url).status_code == 401
