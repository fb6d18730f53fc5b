"""The person's own notifications page and settings."""

from __future__ import annotations

from django.urls import reverse

from recoverypath.notifications.models import Notification, NotificationPreference
from recoverypath.notifications.services import notification_queue


def test_people_see_only_their_own_in_app_notifications(client, cast):
    notification_queue(
        recipient=cast.coordinator,
        template="reminder",
        context={"headline": "For Cora"},
        channels=["in_app"],
    )
    notification_queue(
        recipient=cast.clinician,
        template="reminder",
        context={"headline": "For Cleo"},
        channels=["in_app"],
    )
    client.force_login(cast.coordinator)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert b"For Cora" in response.content
    assert b"For Cleo" not in response.content


def test_marking_all_read_clears_the_badge(client, cast):
    notification_queue(recipient=cast.coordinator, template="reminder", channels=["in_app"])
    client.force_login(cast.coordinator)
    page = client.get(reverse("notifications:list"))
    assert b'data-testid="nav-badge-notifications"' in page.content
    client.post(reverse("notifications:mark_all_read"))
    assert Notification.objects.get().read_at is not None
    page = client.get(reverse("notifications:list"))
    assert b'data-testid="nav-badge-notifications"' not in page.content


def test_the_notification_pages_need_a_login(client, db):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302


def test_staff_choose_channels_and_quiet_hours(client, cast):
    client.force_login(cast.clinician)
    response = client.post(
        reverse("notifications:preferences"),
        {
            "in_app": "on",
            "sms": "on",
            "phone": "(202) 555-0147",
            "quiet_hours_start": "21:00",
            "quiet_hours_end": "07:00",
        },
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=cast.clinician)
    assert (preference.email, preference.sms, preference.in_app) == (False, True, True)
    assert preference.phone == "+12025550147"


def test_text_messages_need_a_number(client, cast):
    client.force_login(cast.clinician)
    response = client.post(reverse("notifications:preferences"), {"in_app": "on", "sms": "on"})
    assert response.status_code == 200
    assert b"Enter a mobile number" in response.content
    assert not NotificationPreference.objects.exists()


def test_quiet_hours_need_both_ends(client, cast):
    client.force_login(cast.clinician)
    response = client.post(
        reverse("notifications:preferences"), {"in_app": "on", "quiet_hours_start": "21:00"}
    )
    assert response.status_code == 200
    assert b"both a start and an end" in response.content


def test_a_client_chooses_a_daily_check_in_reminder_time_and_staff_are_not_offered_one(
    client, cast
):
    client.force_login(cast.client_user)
    page = client.get(reverse("notifications:preferences"))
    assert "check_in_reminder_time" in page.context["form"].fields
    response = client.post(
        reverse("notifications:preferences"),
        {"in_app": "on", "email": "on", "check_in_reminder_time": "20:00"},
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=cast.client_user)
    assert preference.check_in_reminder_time.strftime("%H:%M") == "20:00"
    client.force_login(cast.clinician)
    page = client.get(reverse("notifications:preferences"))
    assert "check_in_reminder_time" not in page.context["form"].fields


def test_a_client_sets_the_reminder_time_over_the_api(cast):
    from tests.conftest import api_as

    api = api_as(cast.client_user)
    body = {"in_app": True, "email": True, "sms": False, "check_in_reminder_time": "19:30"}
    response = api.put("/api/v1/notification-preferences/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["check_in_reminder_time"] == "19:30:00"
    late = {**body, "check_in_reminder_time": "late"}
    response = api.put("/api/v1/notification-preferences/", late, format="json")
    assert response.status_code == 400
