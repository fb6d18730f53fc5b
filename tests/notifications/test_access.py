"""Every role of the cast over every notifications page and endpoint: each logged-in person
(staff of any program or organization, and clients) reaches only their own notifications and
settings; anonymous visitors are sent to log in (pages) or refused (API)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recoverypath.notifications.models import Notification, NotificationPreference
from recoverypath.notifications.services import notification_queue
from tests.conftest import api_as

ROLES = [
    "anonymous",
    "client_user",
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
]


def _user(cast, role):
    return None if role == "anonymous" else getattr(cast, role)


@pytest.fixture
def someone_elses_notice(cast):
    """An unread in-app notice for the program's clinician (whom no other role may touch)."""
    notification_queue(
        recipient=cast.clinician,
        template="reminder",
        context={"headline": "Only for Cleo"},
        channels=["in_app"],
    )
    return Notification.objects.get(recipient=cast.clinician)


def _own_notice(user):
    notification_queue(
        recipient=user, template="reminder", context={"headline": "Mine"}, channels=["in_app"]
    )
    return Notification.objects.get(recipient=user)


@pytest.mark.parametrize("role", ROLES)
def test_the_notification_list_page(client, cast, someone_elses_notice, role):
    user = _user(cast, role)
    if user is not None and role != "clinician":
        _own_notice(user)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("notifications:list"))
    if user is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert (b"Only for Cleo" in response.content) == (role == "clinician")
    assert (b"Mine" in response.content) == (role != "clinician")


@pytest.mark.parametrize("role", ROLES)
def test_marking_all_read_on_the_page(client, cast, someone_elses_notice, role):
    user = _user(cast, role)
    mine = _own_notice(user) if user is not None and role != "clinician" else None
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    someone_elses_notice.refresh_from_db()
    assert (someone_elses_notice.read_at is not None) == (role == "clinician")
    if mine is not None:
        mine.refresh_from_db()
        assert mine.read_at is not None


@pytest.mark.parametrize("role", ROLES)
def test_the_settings_page(client, cast, role):
    user = _user(cast, role)
    if user is not None:
        client.force_login(user)
    assert client.get(reverse("notifications:preferences")).status_code == (
        302 if user is None else 200
    )
    response = client.post(reverse("notifications:preferences"), {"in_app": "on"})
    assert response.status_code == 302
    saved = list(NotificationPreference.objects.values_list("user_id", flat=True))
    assert saved == ([] if user is None else [user.id])


@pytest.mark.parametrize("role", ROLES)
def test_the_notification_api(cast, someone_elses_notice, role):
    user = _user(cast, role)
    api = api_as(user)
    listing = api.get("/api/v1/notifications/")
    marked = api.post(
        "/api/v1/notifications/read/", {"ids": [someone_elses_notice.id]}, format="json"
    )
    if user is None:
        assert (listing.status_code, marked.status_code) == (401, 401)
        return
    assert listing.status_code == 200
    assert listing.json()["count"] == (1 if role == "clinician" else 0)
    if role == "clinician":
        assert (marked.status_code, marked.json()) == (200, {"marked": 1})
    else:  # someone else's notification is out of reach: "Not found.", nothing marked
        assert marked.status_code == 400
        assert marked.json()["error"]["fields"] == {"ids.0": ["Not found."]}
        someone_elses_notice.refresh_from_db()
        assert someone_elses_notice.read_at is None


@pytest.mark.parametrize("role", ROLES)
def test_the_settings_api(cast, role):
    user = _user(cast, role)
    api = api_as(user)
    read = api.get("/api/v1/notification-preferences/")
    saved = api.put(
        "/api/v1/notification-preferences/",
        {"in_app": True, "email": False, "sms": False},
        format="json",
    )
    if user is None:
        assert (read.status_code, saved.status_code) == (401, 401)
        assert not NotificationPreference.objects.exists()
        return
    assert (read.status_code, saved.status_code) == (200, 200)
    assert list(NotificationPreference.objects.values_list("user_id", flat=True)) == [user.id]
