"""Private calendar feeds: subscribable without a session, one VEVENT per session with stable
UIDs, SEQUENCE raised when a session moves, cancellations as CANCELLED, reset kills the old URL,
no clinical detail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as WebClient
from django.utils import timezone
from icalendar import Calendar

from recoverypath.core.models import AuditEvent
from recoverypath.core.timezones import local_today
from recoverypath.interop.models import CalendarFeed
from recoverypath.scheduling.services.sessions import session_book, session_cancel, session_move

pytestmark = pytest.mark.django_db


def _start(days: int, hour: int = 18):
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def sessions(cast):
    return [
        session_book(
            actor=cast.clinician,
            client=cast.client,
            facilitator=cast.clinician,
            session_type="individual_counseling",
            starts_at=_start(days),
            telehealth_url="https://video.example.org/room-7" if days == 2 else "",
        )
        for days in (2, 3, 4)
    ]


def _feed_url(user) -> str:
    web = WebClient()
    web.force_login(user)
    page = web.post("/calendar/", {"action": "reset"})
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    match = re.search(r'value="(https?://[^"]+\.ics)"', page.content.decode())
    assert match, "the new link is shown once"
    return match.group(1).split("testserver", 1)[1]


def _events(url):
    response = WebClient().get(url)  # no session: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}, response.content.decode()


def test_the_client_feed_parses_with_one_event_per_session_and_nothing_clinical(cast, sessions):
    events, text = _events(_feed_url(cast.client_user))
    assert len(events) == 3
    assert len({uid for uid in events}) == 3
    for event in events.values():
        assert str(event["SUMMARY"]) == "Session at Program A"
        assert event["DTSTART"].dt.tzinfo is not None
        assert str(event["DTSTART"].params.get("TZID")) == "America/New_York"
    assert "VTIMEZONE" in text
    assert "Individual counseling" not in text and "Cleo" not in text
    assert "https://video.example.org/room-7" in text
    assert CalendarFeed.objects.get(user=cast.client_user).token_hash not in text


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence(cast, sessions):
    url = _feed_url(cast.client_user)
    before, _ = _events(url)
    session = sessions[1]
    uid = next(u for u in before if u.startswith(f"session-{session.id}@"))
    session_move(actor=cast.clinician, session=session, starts_at=_start(5, hour=19))
    after, _ = _events(url)
    assert uid in after
    assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    assert after[uid]["DTSTART"].dt != before[uid]["DTSTART"].dt


def test_a_cancelled_session_appears_cancelled(cast, sessions):
    url = _feed_url(cast.client_user)
    session_cancel(actor=cast.clinician, session=sessions[0], reason="Clinician unwell")
    events, text = _events(url)
    cancelled = next(e for u, e in events.items() if u.startswith(f"session-{sessions[0].id}@"))
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1
    assert "unwell" not in text


def test_resetting_the_token_makes_the_old_url_404(cast, sessions):
    old = _feed_url(cast.client_user)
    new = _feed_url(cast.client_user)
    assert WebClient().get(old).status_code == 404
    assert WebClient().get(new).status_code == 200
    assert WebClient().get("/calendar/feed/" + "x" * 43 + ".ics").status_code == 404


def test_a_staff_member_gets_the_sessions_they_facilitate(cast, sessions):
    events, _ = _events(_feed_url(cast.clinician))
    assert len(events) == 3
    assert WebClient().get("/calendar/").status_code == 302  # the settings page needs a login


def test_turning_the_link_off_and_reading_it_are_audited(cast, sessions):
    url = _feed_url(cast.client_user)
    _events(url)
    assert AuditEvent.objects.filter(
        actor=cast.client_user, object_type="interop.calendarfeed", action="read"
    ).exists()
    web = WebClient()
    web.force_login(cast.client_user)
    web.post("/calendar/", {"action": "off"})
    assert WebClient().get(url).status_code == 404


# --- Testing windows ---------------------------------------------------------------------------


@pytest.fixture
def windows(cast):
    """A scheduled test in two days, a for-cause test today, and a random test drawn for
    tomorrow (the client has not been told of it yet)."""
    from recoverypath.testing.models import TestSelection
    from recoverypath.testing.services.selection import selection_add
    from tests.testing.conftest import make_policy

    policy = make_policy(cast.client)
    today = local_today(cast.program.time_zone)
    scheduled = selection_add(
        actor=cast.coordinator, client=cast.client, kind="scheduled", day=today + timedelta(days=2)
    )
    for_cause = selection_add(
        actor=cast.coordinator, client=cast.client, kind="for_cause", reason="Missed check-ins"
    )
    opens = scheduled.window_opens_at - timedelta(days=1)
    random_tomorrow = TestSelection.objects.create(
        client=cast.client,
        program=cast.program,
        policy=policy,
        kind=TestSelection.Kind.RANDOM,
        date=today + timedelta(days=1),
        window_opens_at=opens,
        window_closes_at=opens + timedelta(hours=9),
        site=policy.site,
    )
    return scheduled, for_cause, random_tomorrow


def test_testing_windows_are_neutral_appointments_never_announced_early(cast, windows):
    scheduled, for_cause, random_tomorrow = windows
    events, text = _events(_feed_url(cast.client_user))
    visits = {uid.split("@")[0]: e for uid, e in events.items() if uid.startswith("visit-")}
    assert set(visits) == {f"visit-{scheduled.id}", f"visit-{for_cause.id}"}
    for event in visits.values():
        assert str(event["SUMMARY"]) == "Appointment at Program A"
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert str(event["STATUS"]) == "CONFIRMED"
        assert "LOCATION" not in event and "DESCRIPTION" not in event
    scheduled_event = visits[f"visit-{scheduled.id}"]
    assert scheduled_event["DTSTART"].dt == scheduled.window_opens_at
    assert scheduled_event["DTEND"].dt == scheduled.window_closes_at
    lowered = text.lower()
    for word in ("test", "drug", "urine", "breath", "specimen", "random", "imaginary lane"):
        assert word not in lowered, word
    assert f"visit-{random_tomorrow.id}@" not in text


def test_an_excused_testing_window_appears_cancelled(cast, windows):
    from recoverypath.testing.services.selection import selection_excuse

    scheduled, _, _ = windows
    url = _feed_url(cast.client_user)
    selection_excuse(actor=cast.coordinator, selection=scheduled, reason="In hospital")
    events, text = _events(url)
    event = next(e for uid, e in events.items() if uid.startswith(f"visit-{scheduled.id}@"))
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert "hospital" not in text.lower()


def test_staff_feeds_hold_no_testing_windows(cast, windows):
    events, _ = _events(_feed_url(cast.coordinator))
    assert not [uid for uid in events if uid.startswith("visit-")]
