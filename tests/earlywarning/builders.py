"""Bulk builders for dashboard tests: N aftercare clients with D days of check-ins each."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from recoverypath.aftercare.models import AftercarePlan, CoordinatorCheckIn, PlanComponent
from recoverypath.alerts.models import Alert
from recoverypath.clients.models import Client
from recoverypath.earlywarning.risk import caseload_risk_refresh
from recoverypath.monitoring.models import CheckIn


def build_caseload(
    *, program, coordinator, clients: int, days: int, today: date, seed: int = 7, prefix: str = "A"
):
    rng = random.Random(seed)
    rows = [
        Client(
            organization_id=program.organization_id,
            program=program,
            mrn=f"DASH-{prefix}-{i:05d}",
            first_name=f"Testclient{i}",
            last_name="Dashboard",
            date_of_birth=date(1988, 1, 1),
            coordinator=coordinator,
            sobriety_date=today - timedelta(days=rng.randint(5, 300)),
        )
        for i in range(clients)
    ]
    Client.objects.bulk_create(rows, batch_size=1000)
    made = list(Client.objects.filter(mrn__startswith=f"DASH-{prefix}-").order_by("id"))
    plans = AftercarePlan.objects.bulk_create(
        [
            AftercarePlan(
                client=c,
                program=program,
                coordinator=coordinator,
                start_date=today - timedelta(days=days),
                end_date=today + timedelta(days=90),
            )
            for c in made
        ],
        batch_size=1000,
    )
    PlanComponent.objects.bulk_create(
        [
            PlanComponent(plan=p, kind=kind, expected_per_week=n)
            for p in plans
            for kind, n in (("therapy", 1), ("support_group", 3))
        ],
        batch_size=2000,
    )
    now = timezone.now()
    CoordinatorCheckIn.objects.bulk_create(
        [
            CoordinatorCheckIn(
                plan=p,
                client_id=p.client_id,
                coordinator=coordinator,
                scheduled_at=now + timedelta(days=rng.randint(1, 14)),
            )
            for p in plans
        ],
        batch_size=2000,
    )
    check_ins = []
    for c in made:
        for d in range(days):
            if rng.random() < 0.1:
                continue  # a missed day
            check_ins.append(
                CheckIn(
                    client=c,
                    date=today - timedelta(days=d),
                    mood=rng.randint(1, 5),
                    craving=rng.randint(0, 10),
                    sleep_hours=7,
                    stress=rng.randint(0, 10),
                )
            )
    CheckIn.objects.bulk_create(check_ins, batch_size=5000)
    Alert.objects.bulk_create(
        [
            Alert(
                client=c,
                kind="monitoring.high_craving",
                severity=rng.choice(["high", "medium", "critical"]),
                reason="Test alert",
                dedup_key=f"test:{c.id}",
                raised_at=now,
                last_raised_at=now,
            )
            for c in made[::7]
        ]
    )
    caseload_risk_refresh(client_ids=[c.id for c in made])  # alerts written around the services
    return made
