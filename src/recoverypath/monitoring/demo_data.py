"""Demo check-ins: ~90 days for a subset of clients (the demo client included), with the shapes
a coordinator meets: steady, wobbling with cravings, drifting away, and one lapse."""

from __future__ import annotations

from datetime import timedelta

from .models import CheckIn, Lapse, MeetingAttendance

DAYS = 90
SUBSET = 120


def demo_subset(clients: list) -> list:
    """The clients in aftercare in the demo: the first SUBSET (clients[0] is the demo login)."""
    return clients[: min(len(clients), SUBSET)]


def extend(*, result, rng, today, staff, clients) -> None:
    check_ins, lapses, meetings = [], [], []
    for index, client in enumerate(demo_subset(clients)):
        pattern = "steady" if index == 0 else rng.choice(["steady", "steady", "wobbly", "drift"])
        last = today - timedelta(days=1 if index == 0 else rng.choice([0, 0, 1, 1, 2, 3, 5]))
        for back in range(DAYS):
            day = last - timedelta(days=back)
            if pattern == "drift" and back < 4:
                continue
            if rng.random() < (0.06 if pattern == "steady" else 0.18):
                continue
            craving = max(0, min(10, int(rng.gauss(2 if pattern == "steady" else 5, 2))))
            if pattern == "wobbly" and back < 5:
                craving = rng.randint(6, 9)
            mood = max(1, min(5, int(rng.gauss(4 if pattern == "steady" else 3, 1))))
            used = pattern == "wobbly" and back == 20
            check_ins.append(
                CheckIn(
                    client=client,
                    date=day,
                    mood=mood,
                    craving=craving,
                    sleep_hours=round(rng.uniform(5, 9) * 2) / 2,
                    stress=max(0, min(10, int(rng.gauss(4, 2)))),
                    used=used,
                    substances=["alcohol"] if used else [],
                    triggers=rng.sample(
                        ["stress", "boredom", "people", "tired"], k=rng.randint(0, 2)
                    ),
                    coping=rng.sample(["called", "meeting", "exercise"], k=rng.randint(0, 2)),
                )
            )
            if used:
                lapses.append(
                    Lapse(
                        client=client,
                        date=day,
                        substance="Alcohol",
                        context="Work party",
                        counter_restarted=False,
                    )
                )
            if back % 3 == 0 and rng.random() < 0.7:
                meetings.append(
                    MeetingAttendance(
                        client=client,
                        date=day,
                        meeting_type=rng.choice(["aa", "na", "smart"]),
                        meeting_name=rng.choice(["Morning Light", "Hope Group", "Tuesday Step"]),
                        verification=rng.choice(["none", "signature"]),
                        signature="Chair (demo)" if rng.random() < 0.5 else "",
                    )
                )
    CheckIn.objects.bulk_create(check_ins, batch_size=5000)
    Lapse.objects.bulk_create(lapses, batch_size=1000)
    MeetingAttendance.objects.bulk_create(meetings, batch_size=5000)
