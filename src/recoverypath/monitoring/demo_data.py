"""Demo check-ins: up to ~90 days (never before the client's first episode of care) for the
clients in aftercare and about a third of those in IOP (the demo client always), with the shapes a
coordinator meets: steady, wobbling with cravings, drifting away, and one lapse."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Min

from recoverypath.alerts import demo_data as alerts_demo
from recoverypath.care.demo_data import AFTERCARE, IOP, cohort
from recoverypath.care.models import EpisodeOfCare

from .models import CheckIn, Lapse, MeetingAttendance

DAYS = 90
SUBSET = 300  # at most this many clients check in, so the demo stays fast at any size


def demo_subset(clients: list) -> list:
    """The clients who check in: clients[0] (the demo login), every client in aftercare and every
    third client in IOP, in client order, at most SUBSET."""
    levels = cohort(clients)
    chosen = [
        client
        for index, client in enumerate(clients)
        if index == 0
        or levels.get(client.id) == AFTERCARE
        or (levels.get(client.id) == IOP and index % 3 == 0)
    ]
    return chosen[:SUBSET]


def extend(*, result, rng, today, staff, clients) -> None:
    check_ins, lapses, meetings = [], [], []
    quiet, craving_high = [], []  # for the demo alerts about check-ins
    subset = demo_subset(clients)
    levels = cohort(clients)
    first_day = dict(
        EpisodeOfCare.objects.filter(client_id__in=[c.id for c in subset])
        .exclude(status="planned")
        .values("client_id")
        .annotate(first=Min("start_date"))
        .values_list("client_id", "first")
    )
    for index, client in enumerate(subset):
        pattern = "steady" if index == 0 else rng.choice(["steady", "steady", "wobbly", "drift"])
        last = today - timedelta(days=1 if index == 0 else rng.choice([0, 0, 1, 1, 2, 3, 5]))
        since = first_day.get(client.id, today - timedelta(days=DAYS))
        if pattern == "drift" or last <= today - timedelta(days=2):
            quiet.append(client.id)
        if pattern == "wobbly":
            craving_high.append(client.id)
        # In aftercare: the plan's AA meetings (Mon, Wed, Fri at Harbor Hope Group), mostly kept.
        aa_rate = 0.0
        if levels.get(client.id) == AFTERCARE:
            aa_rate = {"steady": 0.9, "wobbly": 0.7, "drift": 0.4}[pattern]
        for back in range(min(DAYS, (last - since).days + 1)):
            day = last - timedelta(days=back)
            if pattern == "drift" and back < 4:
                continue
            if rng.random() < (0.06 if pattern == "steady" else 0.18):
                continue
            craving = max(0, min(10, int(rng.gauss(2 if pattern == "steady" else 5, 2))))
            if pattern == "wobbly" and back < 5:
                craving = rng.randint(6, 9)
            mood = max(1, min(5, int(rng.gauss(4 if pattern == "steady" else 3, 1))))
            # One lapse, after the sobriety date: the client kept their counter.
            used = (
                pattern == "wobbly"
                and back == 20
                and (client.sobriety_date is None or client.sobriety_date < day)
            )
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
                        check_in=check_ins[-1],
                        counter_restarted=False,
                    )
                )
            if aa_rate:
                went = day.weekday() in (0, 2, 4) and rng.random() < aa_rate
            else:
                went = back % 3 == 0 and rng.random() < 0.7
            if went:
                meetings.append(
                    MeetingAttendance(
                        client=client,
                        date=day,
                        meeting_type="aa" if aa_rate else rng.choice(["aa", "na", "smart"]),
                        meeting_name="Harbor Hope Group"
                        if aa_rate
                        else rng.choice(["Morning Light", "Hope Group", "Tuesday Step"]),
                        verification=rng.choice(["none", "signature"]),
                        signature="Chair (demo)" if rng.random() < 0.5 else "",
                    )
                )
    CheckIn.objects.bulk_create(check_ins, batch_size=5000)
    Lapse.objects.bulk_create(lapses, batch_size=1000)
    MeetingAttendance.objects.bulk_create(meetings, batch_size=5000)
    alerts_demo.rehome(clients=clients, kind_prefixes=("monitoring.",), client_ids=quiet)
    alerts_demo.rehome(clients=clients, kind_prefixes=("safety.craving",), client_ids=craving_high)
