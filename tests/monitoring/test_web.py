"""The phone pages: the home check-in form, the lapse question, history and meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from recoverypath.clients.models import Client, SobrietyStreak
from recoverypath.monitoring.models import CheckIn, Lapse, MeetingAttendance

FORM = {"mood": "4", "craving": "3", "sleep_hours": "7", "stress": "2", "used": "no"}
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)


def test_the_home_page_shows_an_empty_check_in_form_with_labelled_scales(client, cast):
    client.force_login(cast.client_user)
    html = client.get("/me/").content.decode()
    assert "Daily check-in" in html
    assert "I need help now" in html
    assert 'type="radio" name="mood" value="1"' in html
    assert "checked" not in html  # nothing chosen for the client
    assert 'name="sleep_hours"' in html and 'name="sleep_hours" value' not in html
    for end in ("1 very low", "5 very good", "0 none", "10 the strongest", "10 overwhelmed"):
        assert end in html


def test_an_untouched_check_in_is_refused_with_a_message_next_to_each_question(client, cast):
    client.force_login(cast.client_user)
    response = client.post("/me/check-in/", {})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"mood", "craving", "sleep_hours", "stress", "used"}
    html = response.content.decode()
    assert "Choose your mood today, from 1 to 5." in html
    assert "Answer yes or no." in html
    assert not CheckIn.objects.exists()


def test_a_craving_of_7_shows_coping_strategies_contacts_and_tell_my_coordinator(client, cast):
    from recoverypath.alerts.models import Alert
    from recoverypath.safety.services import safety_plan_create

    safety_plan_create(
        actor=cast.clinician,
        client=cast.client,
        warning_signs="Skipping meals",
        internal_coping="Walk the dog around the block",
        social_distractions="The library",
        people_to_ask="Aunt Tamsin 202-555-0123",
        professionals="988",
        environment_safety="Keys with a friend",
    )
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        response = client.post("/me/check-in/", {**FORM, "craving": "7"})
        check_in = CheckIn.objects.get(client=cast.client)
        assert response.url == f"/me/check-ins/{check_in.id}/"
        page = client.get(response.url).content.decode()
        assert "Walk the dog around the block" in page
        assert "Aunt Tamsin 202-555-0123" in page
        assert "Marlow Quillfeather" in page  # the emergency contact, one tap to call
        assert "Tell my coordinator" in page
        from recoverypath.core.models import AuditEvent

        assert AuditEvent.objects.filter(
            action="read", object_type="safety.safetyplan", actor=cast.client_user
        ).exists()
        told = client.post(f"/me/check-ins/{check_in.id}/tell/")
        client.post(f"/me/check-ins/{check_in.id}/tell/")  # a double tap
    assert told.status_code == 302
    alert = Alert.objects.get(kind="monitoring.reach_out_requested")
    assert alert.severity == "high" and "craving 7 of 10" in alert.reason
    assert set(alert.events.first().notified) == {cast.clinician.id, cast.coordinator.id}


@pytest.mark.parametrize(("change", "hard"), [({"mood": "1"}, True), ({"craving": "6"}, False)])
def test_a_mood_of_1_is_a_hard_day_and_a_craving_of_6_is_not(client, cast, change, hard):
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        response = client.post("/me/check-in/", {**FORM, **change})
    assert (response.url != "/me/") is hard


def test_only_the_client_tells_their_coordinator_about_their_own_check_in(client, cast):
    from recoverypath.monitoring.services import check_in_submit

    with time_machine.travel(NOW):
        result = check_in_submit(
            actor=cast.client_user,
            client=cast.client,
            mood=1,
            craving=9,
            sleep_hours=5,
            stress=9,
            used=False,
        )
    client.force_login(cast.coordinator)
    assert client.post(f"/me/check-ins/{result.check_in.id}/tell/").status_code == 404
    client.force_login(cast.client_user)
    assert client.get(f"/me/check-ins/{result.check_in.id + 1}/").status_code == 404


def test_the_web_form_saves_and_updates_todays_check_in(client, cast):
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        first = client.post("/me/check-in/", FORM)
        second = client.post("/me/check-in/", {**FORM, "mood": "2"})
    assert first.status_code == second.status_code == 302
    row = CheckIn.objects.get(client=cast.client)
    assert (row.date, row.mood, row.revision) == (date(2026, 6, 10), 2, 2)


def test_the_web_form_shows_field_messages(client, cast):
    client.force_login(cast.client_user)
    response = client.post("/me/check-in/", {**FORM, "mood": "9"})
    assert response.status_code == 400
    assert "Select a valid choice. 9 is not one of the available choices." in (
        response.content.decode()
    )


def test_reporting_use_asks_kindly_about_the_counter_and_restarting_keeps_history(client, cast):
    cast.client.sobriety_date = date(2026, 3, 1)
    cast.client.save(update_fields=["sobriety_date"])
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        response = client.post("/me/check-in/", {**FORM, "used": "yes", "substances": ["alcohol"]})
        lapse = Lapse.objects.get(client=cast.client)
        assert response.url == f"/me/lapses/{lapse.id}/"
        page = client.get(response.url).content.decode()
        assert "Thank you for telling us" in page
        client.post(response.url, {"restart": "yes"})
    cast.client.refresh_from_db()
    # The new sobriety date is the day after the lapse: the first whole day without use, as
    # 12-step fellowships count it (clients/sobriety.py, "Restart convention").
    assert cast.client.sobriety_date == date(2026, 6, 11)
    streak = SobrietyStreak.objects.get(client=cast.client)
    assert (streak.start_date, streak.end_date) == (date(2026, 3, 1), date(2026, 6, 10))
    lapse.refresh_from_db()
    assert lapse.counter_restarted is True


def test_keeping_the_count_keeps_the_sobriety_date_and_the_lapse(client, cast):
    cast.client.sobriety_date = date(2026, 3, 1)
    cast.client.save(update_fields=["sobriety_date"])
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        client.post("/me/check-in/", {**FORM, "used": "yes", "substances": ["cannabis"]})
        lapse = Lapse.objects.get(client=cast.client)
        client.post(f"/me/lapses/{lapse.id}/", {"restart": "no"})
        client.post(f"/me/lapses/{lapse.id}/", {"restart": "yes"})  # a second answer is ignored
    cast.client.refresh_from_db()
    assert cast.client.sobriety_date == date(2026, 3, 1)
    lapse.refresh_from_db()
    assert lapse.counter_restarted is False
    assert not SobrietyStreak.objects.exists()


def test_history_shows_missed_days(client, cast):
    # Registered long before the four weeks shown: every earlier day without a check-in counts.
    Client.objects.filter(pk=cast.client.pk).update(created_at=datetime(2026, 1, 2, tzinfo=UTC))
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        client.post("/me/check-in/", FORM)
        html = client.get("/me/check-ins/").content.decode()
    assert "27</strong> days without a check-in" in html
    assert html.count(">missed<") == 27


def test_a_meeting_with_a_photo_of_the_sheet_is_stored_and_verified(client, cast, settings):
    client.force_login(cast.client_user)
    photo = SimpleUploadedFile("sheet.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    response = client.post(
        "/me/meetings/",
        {"date": "2026-01-05", "meeting_type": "aa", "meeting_name": "Hope", "sheet": photo},
    )
    assert response.status_code == 302
    meeting = MeetingAttendance.objects.get(client=cast.client)
    assert meeting.verification == "photo"
    assert meeting.sheet.path.startswith(str(settings.MEDIA_ROOT))


def test_a_meeting_sheet_that_is_not_an_image_is_refused(client, cast):
    client.force_login(cast.client_user)
    fake = SimpleUploadedFile("sheet.png", b"MZ\x90\x00 not an image", "image/png")
    response = client.post(
        "/me/meetings/", {"date": "2026-01-05", "meeting_type": "na", "sheet": fake}
    )
    assert response.status_code == 200
    assert "Upload a JPEG or PNG photo, or a PDF." in response.content.decode()
    assert not MeetingAttendance.objects.exists()


def test_a_meeting_sheet_over_5_mb_is_refused(client, cast):
    client.force_login(cast.client_user)
    big = SimpleUploadedFile("sheet.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "image/jpeg")
    response = client.post(
        "/me/meetings/", {"date": "2026-01-05", "meeting_type": "na", "sheet": big}
    )
    assert "5 MB or smaller" in response.content.decode()


def test_a_signature_verifies_a_meeting(client, cast):
    client.force_login(cast.client_user)
    client.post(
        "/me/meetings/", {"date": "2026-01-05", "meeting_type": "smart", "signature": "R.T."}
    )
    assert MeetingAttendance.objects.get().verification == "signature"


def test_the_client_may_count_from_the_lapse_day_itself(client, cast):
    cast.client.sobriety_date = date(2026, 3, 1)
    cast.client.save(update_fields=["sobriety_date"])
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        response = client.post("/me/check-in/", {**FORM, "used": "yes", "substances": ["alcohol"]})
        page = client.get(response.url).content.decode()
        assert "Yes, count from Jun 11" in page and "Yes, count from Jun 10 (the lapse day)" in page
        client.post(response.url, {"restart": "lapse_day"})
    cast.client.refresh_from_db()
    assert cast.client.sobriety_date == date(2026, 6, 10)
