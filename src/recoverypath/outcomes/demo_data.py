"""The demo's early-warning history, with a planted relationship the performance report can
find: each client-week is "struggling" with probability STRUGGLE; a struggling week brings high
cravings, and the high-craving rule fires (an alert raised, then raised again). Planted (the
default, settings.DEMO_PLANTED_LAPSES): the week after a struggling week brings a lapse with
probability LAPSE_AFTER and missed check-ins; otherwise a lapse with probability LAPSE_BASE.
Off: lapses come with probability LAPSE_OFF whatever the week before, and check-ins are missed
at random, so the warnings carry no information about what follows. Warnings and lapses fall on
days 1-6 of a week (day 0 is the report's snapshot day), so "the week after" is the report's
7-day horizon."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Min

from recoverypath.alerts.models import Alert, AlertEvent
from recoverypath.care.demo_data import cohort
from recoverypath.care.models import EpisodeOfCare
from recoverypath.monitoring.models import CheckIn, Lapse

STRUGGLE = 0.25
LAPSE_AFTER = 0.8
LAPSE_BASE = 0.02
LAPSE_OFF = 0.2
SKIP_AFTER = 0.5
SKIP_BASE = 0.05
WEEKS = 12


def plant_history(
    *,
    clients,
    rng: random.Random,
    start: date,
    weeks: int = WEEKS,
    planted: bool = True,
    until: date | None = None,
) -> None:
    """Check-ins, lapses (each with its check-in reporting use) and high-craving alerts for
    `clients` from `start`, `weeks` weeks long, never before a client's first episode nor after
    `until` (bulk inserts). Days that already have a check-in or lapse are left alone, and no
    lapse falls on or before a client's sobriety date."""
    ids = [c.id for c in clients]
    taken = set(CheckIn.objects.filter(client_id__in=ids).values_list("client_id", "date"))
    lapsed = set(Lapse.objects.filter(client_id__in=ids).values_list("client_id", "date"))
    earliest = dict(
        EpisodeOfCare.objects.filter(client_id__in=ids)
        .values("client_id")
        .annotate(first=Min("start_date"))
        .values_list("client_id", "first")
    )
    check_ins, lapses, firings = [], [], []
    for client in clients:
        first_day = earliest.get(client.id, start)
        struggled = False
        for week in range(weeks):
            first = start + timedelta(7 * week)
            struggling = rng.random() < STRUGGLE
            skip = SKIP_AFTER if planted and struggled else SKIP_BASE
            lapse_p = (LAPSE_AFTER if struggled else LAPSE_BASE) if planted else LAPSE_OFF
            lapse_day = first + timedelta(rng.randrange(1, 7)) if rng.random() < lapse_p else None
            sober = client.sobriety_date
            if lapse_day is not None and (
                (client.id, lapse_day) in lapsed
                or (client.id, lapse_day) in taken
                or (sober is not None and sober >= lapse_day)
            ):
                lapse_day = None
            for n in range(7):
                day = first + timedelta(n)
                if day < first_day or (until is not None and day > until):
                    if day == lapse_day:
                        lapse_day = None
                    continue
                if (client.id, day) in taken or (day != lapse_day and rng.random() < skip):
                    continue
                craving = rng.randint(7, 10) if struggling else rng.randint(0, 4)
                item = CheckIn(
                    client=client,
                    date=day,
                    mood=3,
                    craving=craving,
                    sleep_hours=7,
                    stress=4,
                    used=day == lapse_day,
                    substances=["alcohol"] if day == lapse_day else [],
                )
                check_ins.append(item)
                if day == lapse_day:
                    lapses.append(
                        Lapse(client=client, date=day, substance="alcohol", check_in=item)
                    )
            if struggling:
                days = [
                    first + timedelta(n)
                    for n in sorted(rng.sample(range(1, 7), 2))
                    if first + timedelta(n) >= first_day
                    and (until is None or first + timedelta(n) <= until)
                ]
                if days:
                    firings.append((client, days))
            struggled = struggling
    CheckIn.objects.bulk_create(check_ins, batch_size=2000)
    Lapse.objects.bulk_create(lapses, batch_size=2000)
    alerts = []
    for client, days in firings:
        at = datetime(days[0].year, days[0].month, days[0].day, 16, tzinfo=UTC)
        last = datetime(days[-1].year, days[-1].month, days[-1].day, 16, tzinfo=UTC)
        alerts.append(
            Alert(
                client=client,
                kind="monitoring.high_craving",
                severity="high",
                reason="Cravings 7 or more on two check-ins this week (demo).",
                dedup_key=f"monitoring:high-craving:{client.id}:{days[0].isoformat()}",
                status="resolved",
                raised_at=at,
                last_raised_at=last,
                raise_count=2,
                resolved_at=last + timedelta(days=2),
                resolution_note="Demo: talked it through at the next check-in.",
            )
        )
    Alert.objects.bulk_create(alerts, batch_size=1000)
    events = []
    for alert in alerts:
        events.append(AlertEvent(alert=alert, kind="raised", at=alert.raised_at))
        events.append(AlertEvent(alert=alert, kind="re_raised", at=alert.last_raised_at))
    AlertEvent.objects.bulk_create(events, batch_size=2000)


def extend(*, result, rng, today, staff, clients) -> None:
    """Twelve weeks of history, up to yesterday, for clients in IOP or aftercare."""
    levels = cohort(clients)
    chosen = [c for c in clients if c.id in levels]
    if not chosen:
        return
    plant_history(
        clients=chosen,
        rng=random.Random(rng.random()),
        start=today - timedelta(days=7 * WEEKS + 1),
        planted=settings.DEMO_PLANTED_LAPSES,
        until=today - timedelta(days=1),
    )
