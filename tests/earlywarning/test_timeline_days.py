"""The client's timeline puts every moment on the client's own day, whoever is looking."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import timezone

from recoverypath.aftercare.models import CoordinatorCheckIn
from recoverypath.earlywarning.dashboard import client_timeline


def test_a_late_evening_check_in_shows_on_the_clients_day_not_the_viewers(cast, plan):
    cast.client.time_zone = "America/Los_Angeles"
    cast.client.save(update_fields=["time_zone"])
    # 03:30 UTC on June 10 is 20:30 on June 9 in Los Angeles (and 12:30 June 10 in Tokyo).
    CoordinatorCheckIn.objects.create(
        plan=plan,
        client=cast.client,
        coordinator=cast.coordinator,
        scheduled_at=datetime(2026, 6, 10, 3, 30, tzinfo=UTC),
        note="Late evening call",
    )
    with timezone.override("Asia/Tokyo"):
        entries = client_timeline(client=cast.client)
    days = [e.when for e in entries if "Late evening call" in e.text]
    assert days == [date(2026, 6, 9)]
