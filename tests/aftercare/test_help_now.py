"""The "I need help now" button works for every client with a login and reaches a human at
once (issue 10, c)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from recoverypath.aftercare.models import HelpRequest, SupportPreferences
from recoverypath.aftercare.services import help_request_record
from recoverypath.alerts.models import Alert
from recoverypath.notifications.models import Notification, NotificationPreference
from tests.factories import ClientFactory, UserFactory

# 03:00 in New York (the client's and the staff's zone) on a winter night.
NIGHT = datetime(2026, 1, 14, 8, 0, tzinfo=UTC)
QUIET = {"quiet_hours_start": time(21, 0), "quiet_hours_end": time(7, 0)}


def _quiet_hours(user, phone: str) -> None:
    user.time_zone = "America/New_York"
    user.save()
    NotificationPreference.objects.create(
        user=user, email=True, sms=True, in_app=True, phone=phone, **QUIET
    )


# (c) ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_help_at_3am_in_quiet_hours_sends_sms_and_email_at_once(
    cast, django_capture_on_commit_callbacks
):
    _quiet_hours(cast.client_user, "+12025550101")
    _quiet_hours(cast.clinician, "+12025550102")
    _quiet_hours(cast.coordinator, "+12025550103")
    sponsor = cast.client.support_contacts.create(
        name="Sam Sponsor", kind="sponsor", phone="+12025550188"
    )
    prefs = SupportPreferences.objects.create(client=cast.client)
    prefs.text_on_help.set([sponsor])

    with time_machine.travel(NIGHT, tick=False), django_capture_on_commit_callbacks(execute=True):
        item = help_request_record(actor=cast.client_user, client=cast.client)

    alert = Alert.objects.get(client=cast.client)
    assert (alert.kind, alert.severity, alert.status) == (
        "aftercare.help_requested",
        "critical",
        "open",
    )
    assert "03:00 their time" in alert.reason
    rows = Notification.objects.filter(
        source_type="alerts.alert", source_id=str(alert.id), channel__in=["email", "sms"]
    )
    assert {(n.recipient_id, n.channel) for n in rows} == {
        (cast.clinician.id, "email"),
        (cast.clinician.id, "sms"),
        (cast.coordinator.id, "email"),
        (cast.coordinator.id, "sms"),
    }
    # Not held until 07:00: due at once, and delivered by the after-commit hook.
    assert {(n.next_attempt_at, n.status, n.critical) for n in rows} == {(NIGHT, "sent", True)}
    text = Notification.objects.get(recipient=None)
    assert (text.address, text.status, text.next_attempt_at) == (sponsor.phone, "sent", NIGHT)
    assert [p["name"] for p in item.staff_told] == [
        cast.clinician.get_full_name(),
        cast.coordinator.get_full_name(),
    ]
    assert [p["role"] for p in item.staff_told] == ["your clinician", "your coordinator"]
    assert item.contacts_texted == ["Sam Sponsor"]
    # The clinician also owes a review of the safety plan.
    from recoverypath.safety.models import SafetyEvent

    event = SafetyEvent.objects.get(client=cast.client)
    assert (event.kind, event.source_id, event.is_open) == ("other", str(item.id), True)


@pytest.mark.django_db
def test_an_iop_client_without_coordinator_or_plan_still_reaches_a_human(cast):
    user = UserFactory(email="wren@test.example.org", first_name="Wren")
    alone = ClientFactory(program=cast.program, first_name="Wren", last_name="Nobody", user=user)
    item = help_request_record(actor=user, client=alone)
    assert item.alert.severity == "critical"
    assert [p["name"] for p in item.staff_told] == [cast.admin.get_full_name()]
    assert [p["role"] for p in item.staff_told] == ["program lead"]


@pytest.mark.django_db
def test_a_double_tap_is_one_request_and_two_presses_are_two(cast):
    first = help_request_record(actor=cast.client_user, client=cast.client, submission_key="a")
    again = help_request_record(actor=cast.client_user, client=cast.client, submission_key="a")
    second = help_request_record(actor=cast.client_user, client=cast.client, submission_key="b")
    assert first.id == again.id != second.id
    assert Alert.objects.filter(client=cast.client).count() == 2
    assert HelpRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_second_press_while_the_first_alert_is_acknowledged_tells_the_team_again(cast):
    from recoverypath.alerts.services import alert_acknowledge

    first = help_request_record(actor=cast.client_user, client=cast.client, submission_key="a")
    alert_acknowledge(actor=cast.coordinator, alert=first.alert)
    Notification.objects.all().delete()
    second = help_request_record(actor=cast.client_user, client=cast.client, submission_key="b")
    assert second.alert.status == "open"
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        cast.clinician.id,
        cast.coordinator.id,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clinician", "coordinator", "admin", "outsider"])
def test_only_the_client_presses_their_own_button(cast, who):
    with pytest.raises(PermissionDenied):
        help_request_record(actor=getattr(cast, who), client=cast.client)
    assert not HelpRequest.objects.exists()


@pytest.mark.django_db
def test_the_client_app_asks_for_help_through_the_api_and_learns_who_was_told(cast):
    from tests.conftest import api_as

    body = {"key": "press-1"}
    response = api_as(cast.client_user).post("/api/v1/help-requests/", body, format="json")
    assert response.status_code == 201, response.content
    again = api_as(cast.client_user).post("/api/v1/help-requests/", body, format="json")
    assert again.json()["id"] == response.json()["id"]
    data = response.json()
    assert Alert.objects.get(pk=data["alert"]).severity == "critical"
    assert [p["role"] for p in data["staff_told"]] == ["your clinician", "your coordinator"]
    for who in (cast.clinician, cast.coordinator, cast.admin, cast.outsider):
        refused = api_as(who).post("/api/v1/help-requests/", body, format="json")
        assert refused.status_code == 403
    assert api_as(None).post("/api/v1/help-requests/", body, format="json").status_code in (
        401,
        403,
    )
    assert HelpRequest.objects.count() == 1
