"""Demo aftercare: a small provider directory and plans for the clients with check-ins."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from recoverypath.monitoring.demo_data import demo_subset

from .models import (
    AftercarePlan,
    AftercarePlanChange,
    ComponentContact,
    CoordinatorCheckIn,
    ExternalProvider,
    Goal,
    PlanComponent,
)

PROVIDERS = [
    ("Willowbank Counseling (fictional)", "therapist", "CBT, trauma-informed", True),
    ("Dr. Fennimore Quibble (fictional)", "psychiatrist", "Medication management, MAT", True),
    ("Lanternfly House (fictional)", "sober_living", "Men's sober living, 12 beds", False),
    ("Harbor Hope Group (fictional)", "support_group", "AA meetings Mon/Wed/Fri 7pm", False),
]
GOALS = [
    "Attend three meetings a week",
    "Find a sponsor",
    "Return to part-time work",
    "Sleep seven hours most nights",
]


def extend(*, result, rng, today, staff, clients) -> None:
    org = result.organization
    providers = ExternalProvider.objects.bulk_create(
        [
            ExternalProvider(
                organization=org,
                name=name,
                kind=kind,
                services=services,
                phone=f"+1202555{170 + i:04d}",
                address=f"{10 + i} Imaginary Lane, Springfield",
                telehealth=telehealth,
                accepted_insurance="Medicaid, Example Health Plan",
            )
            for i, (name, kind, services, telehealth) in enumerate(PROVIDERS)
        ]
    )
    therapist, prescriber = providers[0], providers[1]
    coordinator = staff["coordinator"]
    subset = demo_subset(clients)
    plans = AftercarePlan.objects.bulk_create(
        [
            AftercarePlan(
                client=c,
                program_id=c.program_id,
                coordinator=coordinator,
                length="3m" if i % 3 else "6m",
                start_date=today - timedelta(days=90 - rng.randint(0, 20)),
                end_date=today + timedelta(days=rng.choice([5, 30, 60, 90])),
                created_by=coordinator,
            )
            for i, c in enumerate(subset)
        ]
    )
    AftercarePlanChange.objects.bulk_create(
        [AftercarePlanChange(plan=p, to_status="active", note="Plan started") for p in plans]
    )
    components, goals, check_ins = [], [], []
    for plan in plans:
        components.append(
            PlanComponent(
                plan=plan,
                kind="therapy",
                title="Individual therapy",
                frequency="weekly",
                expected_per_week=1,
                provider=therapist,
            )
        )
        components.append(
            PlanComponent(
                plan=plan,
                kind="support_group",
                group_type="aa",
                frequency="several_weekly",
                expected_per_week=3,
                meeting_schedule="Mon, Wed, Fri 7pm · Harbor Hope Group",
            )
        )
        if rng.random() < 0.4:
            components.append(
                PlanComponent(
                    plan=plan,
                    kind="medication",
                    frequency="monthly",
                    expected_per_week=0,
                    provider=prescriber,
                    prescriber="Dr. Fennimore Quibble (fictional)",
                    next_visit=today + timedelta(days=rng.randint(3, 28)),
                )
            )
        goals.append(Goal(plan=plan, description=rng.choice(GOALS), target_date=plan.end_date))
        zone = ZoneInfo(plan.client.time_zone)
        check_ins.append(
            CoordinatorCheckIn(
                plan=plan,
                client_id=plan.client_id,
                coordinator=coordinator,
                scheduled_at=datetime.combine(
                    today + timedelta(days=rng.randint(1, 14)), time(10), tzinfo=zone
                ),
            )
        )
        check_ins.append(
            CoordinatorCheckIn(
                plan=plan,
                client_id=plan.client_id,
                coordinator=coordinator,
                scheduled_at=datetime.combine(
                    today - timedelta(days=rng.randint(1, 13)), time(10), tzinfo=zone
                ),
                status=rng.choice(["attended", "attended", "attended", "missed"]),
                note="Talked through the week.",
            )
        )
    PlanComponent.objects.bulk_create(components, batch_size=2000)
    Goal.objects.bulk_create(goals, batch_size=2000)
    CoordinatorCheckIn.objects.bulk_create(check_ins, batch_size=2000)
    therapy = [c for c in components if c.kind == "therapy"]
    ComponentContact.objects.bulk_create(
        [
            ComponentContact(
                component=c,
                date=today - timedelta(days=1 + 7 * week),
                attended=rng.random() < 0.8,
            )
            for c in therapy
            for week in range(8)
        ],
        batch_size=5000,
    )
