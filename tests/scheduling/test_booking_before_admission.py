"""Booking a session before the client's admission date is allowed, with a warning (#18 part 7)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from recoverypath.scheduling import selectors
from recoverypath.scheduling.models import Session, SessionType

from .test_attendance_before_admission import _admit

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)


def _book(client, cast, day: str):
    return client.post(
        "/schedule/book/",
        {
            "client": cast.client.id,
            "facilitator": cast.clinician.id,
            "session_type": SessionType.INDIVIDUAL_COUNSELING,
            "date": day,
            "time": "10:00",
            "duration_minutes": 50,
            "telehealth_url": "https://video.test.example.org/room-1",
        },
        follow=True,
    )


def test_booking_before_admission_is_done_with_a_warning(client, cast):
    client.force_login(cast.clinician)
    with time_machine.travel(NOW):
        _admit(cast, date(2026, 6, 15))
        response = _book(client, cast, "2026-06-12")
    html = response.content.decode()
    assert Session.objects.filter(client=cast.client).count() == 1
    assert "Session booked." in html
    assert "before Juniper Quillfeather&#x27;s admission date (Jun 15, 2026)" in html
    assert "msg-warning" in html


def test_booking_on_or_after_admission_has_no_warning(client, cast):
    client.force_login(cast.clinician)
    with time_machine.travel(NOW):
        _admit(cast, date(2026, 6, 15))
        html = _book(client, cast, "2026-06-15").content.decode()
    assert "Session booked." in html
    assert "admission date" not in html


def test_no_warning_when_no_admission_is_recorded(cast):
    start = datetime(2026, 6, 12, 14, 0, tzinfo=UTC)
    assert selectors.session_booking_warnings(client=cast.client, starts_at=start) == []
