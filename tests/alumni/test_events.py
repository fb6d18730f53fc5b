"""Events: members RSVP; those coming are reminded once in the 24 hours before, and the
reminder that leaves the app names nothing (membership is Part 2 information)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from recoverypath.alumni import services
from recoverypath.notifications.models import Notification

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_members_coming_are_reminded_once_the_day_before(cast, alumni):
    me = services.member_join(actor=cast.client_user, client=cast.client, listed=False)
    rowan = alumni["rowan"]
    other = services.member_join(actor=rowan.user, client=rowan, listed=False)
    event = services.event_create(
        actor=cast.coordinator,
        program=cast.program,
        title="Alumni picnic",
        starts_at=NOW + timedelta(hours=20),
        place="Larkspur Park (fictional)",
    )
    services.rsvp_set(actor=cast.client_user, member=me, event=event, going=True)
    services.rsvp_set(actor=rowan.user, member=other, event=event, going=False)
    assert services.event_reminders_send_due() == 1
    assert services.event_reminders_send_due() == 0
    rows = Notification.objects.filter(recipient=cast.client_user)
    assert rows.exists()
    for row in rows:
        if row.channel == "in_app":
            assert "Alumni picnic" in row.body
        else:
            assert "picnic" not in row.body and "alumni" not in row.body.lower()
    assert not Notification.objects.filter(recipient=rowan.user).exists()


def test_only_staff_create_events_and_only_members_rsvp(cast, alumni):
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=cast.front_desk,
            program=cast.program,
            title="x",
            starts_at=NOW + timedelta(days=2),
            place="Office",
        )
    event = services.event_create(
        actor=cast.admin,
        program=cast.program,
        title="Online circle",
        starts_at=NOW + timedelta(days=2),
        online_url="https://meet.example.org/circle",
    )
    rowan = alumni["rowan"]
    member = services.member_join(actor=rowan.user, client=rowan, listed=False)
    with pytest.raises(PermissionDenied):
        services.rsvp_set(actor=cast.client_user, member=member, event=event, going=True)
