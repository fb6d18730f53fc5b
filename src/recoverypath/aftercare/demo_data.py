"""Demo aftercare: a small provider directory and a plan for every client in aftercare (care's
active "aftercare" episodes), starting the day the client graduated from IOP. The first aftercare
contact comes a believable number of days later (most within a week, a few not yet), which the
discharge demo reads back for its gap in care."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from recoverypath.alerts import demo_data as alerts_demo
from recoverypath.care.models import EpisodeOfCare
from recoverypath.testing.models import TestingPolicy

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
    # name, kind, services, modalities (core.modality.Modality)
    (
        "Willowbank Counseling (fictional)",
        "therapist",
        "CBT, trauma-informed",
        ["in_person", "video"],
    ),
    (
        "Dr. Fennimore Quibble (fictional)",
        "psychiatrist",
        "Medication management, MAT",
        ["in_person", "video", "phone"],
    ),
    ("Lanternfly House (fictional)", "sober_living", "Men's sober living, 12 beds", ["in_person"]),
    (
        "Harbor Hope Group (fictional)",
        "support_group",
        "AA meetings Mon/Wed/Fri 7pm",
        ["in_person"],
    ),
]
# Support-group tags the plans' AA component gets, in turn (core.modality.SupportGroupTag).
SUPPORT_GROUP_TAGS = [["in_person"], ["women", "in_person"], ["online"], ["lgbtq", "online"]]
GOALS = [
    "Attend three meetings a week",
    "Find a sponsor",
    "Return to part-time work",
    "Sleep seven hours most nights",
]
# Days from graduation to the first aftercare contact; None: no contact yet.
FIRST_CONTACT_DAYS = [0, 1, 2, 2, 3, 3, 4, 5, 6, 7, 9, 12, 16, None, None]


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
                telehealth="video" in modalities,
                modalities=modalities,
                accepted_insurance="Medicaid, Example Health Plan",
            )
            for i, (name, kind, services, modalities) in enumerate(PROVIDERS)
        ]
    )
    therapist, prescriber = providers[0], providers[1]
    coordinator = staff["coordinator"]
    # Everyone in aftercare, the demo login excepted: it stays in IOP (care's demo keeps it there).
    episodes = list(
        EpisodeOfCare.objects.filter(
            client__organization=org, status="active", level_code="aftercare"
        )
        .exclude(client_id__in=[clients[0].id] if clients else [])
        .select_related("client")
        .order_by("client_id")
    )
    plans = []
    first_contact = {}  # plan -> day of the first aftercare contact (None: not yet)
    for i, episode in enumerate(episodes):
        length = "3m" if i % 3 else "6m"
        plan = AftercarePlan(
            client=episode.client,
            program_id=episode.program_id,
            episode_id=episode.previous_episode_id,  # the IOP it follows, as at graduation
            coordinator=coordinator,
            length=length,
            start_date=episode.start_date,
            end_date=episode.start_date + relativedelta(months=3 if length == "3m" else 6),
            created_by=coordinator,
        )
        plans.append(plan)
        days = rng.choice(FIRST_CONTACT_DAYS)
        day = None if days is None else episode.start_date + timedelta(days=days)
        first_contact[id(plan)] = day if day is not None and day < today else None
    AftercarePlan.objects.bulk_create(plans, batch_size=2000)
    AftercarePlanChange.objects.bulk_create(
        [AftercarePlanChange(plan=p, to_status="active", note="Plan started") for p in plans],
        batch_size=2000,
    )
    # The demo's "aftercare plan adherence low" alert belongs to a client with a plan, preferably
    # one not reached yet.
    alerts_demo.rehome(
        clients=clients,
        kind_prefixes=("aftercare.",),
        client_ids=[
            p.client_id for p in sorted(plans, key=lambda p: first_contact[id(p)] is not None)
        ],
    )
    components, goals, check_ins, contacts = [], [], [], []
    for index, plan in enumerate(plans):
        first = first_contact[id(plan)]
        therapy = PlanComponent(
            plan=plan,
            kind="therapy",
            title="Individual therapy",
            frequency="weekly",
            expected_per_week=1,
            provider=therapist,
        )
        components.append(therapy)
        # Weekly therapy from the first contact on (no contact yet: sessions booked, not attended).
        day = first or plan.start_date + timedelta(days=3)
        while day < today:
            attended = first is not None and (day == first or rng.random() < 0.8)
            contacts.append(ComponentContact(component=therapy, date=day, attended=attended))
            day += timedelta(days=7)
        components.append(
            PlanComponent(
                plan=plan,
                kind="support_group",
                group_type="aa",
                frequency="several_weekly",
                expected_per_week=3,
                meeting_schedule="Mon, Wed, Fri 7pm · Harbor Hope Group",
                tags=SUPPORT_GROUP_TAGS[index % len(SUPPORT_GROUP_TAGS)],
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
        # The next check-in: every third by video, every third by phone, the rest in person.
        how = ("in_person", "video", "phone")[index % 3]
        check_ins.append(
            CoordinatorCheckIn(
                plan=plan,
                client_id=plan.client_id,
                coordinator=coordinator,
                scheduled_at=datetime.combine(
                    today + timedelta(days=rng.randint(1, 14)), time(10), tzinfo=zone
                ),
                modality=how,
                join_url=f"https://video.example.test/room/check-in-{plan.client_id}"
                if how == "video"
                else "",
                call_details="Your coordinator calls you." if how == "phone" else "",
            )
        )
        if first is None:  # not reached yet: the last check-in was missed
            past = min(plan.start_date + timedelta(days=rng.randint(1, 13)), today - timedelta(1))
            status = "missed"
        else:
            past = max(first, today - timedelta(days=rng.randint(1, 13)))
            status = rng.choice(["attended", "attended", "attended", "missed"])
        check_ins.append(
            CoordinatorCheckIn(
                plan=plan,
                client_id=plan.client_id,
                coordinator=coordinator,
                scheduled_at=datetime.combine(past, time(10), tzinfo=zone),
                status=status,
                note="Talked through the week." if status == "attended" else "",
            )
        )
    # Random testing (the testing app's demo drew and tested these clients already).
    policies = {
        p.client_id: p
        for p in TestingPolicy.objects.filter(
            client_id__in=[plan.client_id for plan in plans], origin="aftercare"
        )
    }
    policies_by_id = {p.id: p for p in policies.values()}
    testing = {}
    for plan in plans:
        policy = policies.get(plan.client_id)
        if policy is None:
            continue
        per_week = (
            policy.tests_per_period if policy.period == "week" else policy.tests_per_period / 4.348
        )
        testing[policy.id] = PlanComponent(
            plan=plan,
            kind="random_testing",
            title=f"Random testing, {policy}",
            frequency="several_weekly" if per_week >= 2 else "weekly",
            expected_per_week=round(per_week, 2),
            details=policy.site,
        )
    components.extend(testing.values())
    PlanComponent.objects.bulk_create(components, batch_size=2000)
    linked = [policies_by_id[policy_id] for policy_id in testing]
    for policy in linked:
        policy.plan_component_id = testing[policy.id].id
    TestingPolicy.objects.bulk_update(linked, ["plan_component_id"])
    Goal.objects.bulk_create(goals, batch_size=2000)
    CoordinatorCheckIn.objects.bulk_create(check_ins, batch_size=2000)
    ComponentContact.objects.bulk_create(contacts, batch_size=5000)
