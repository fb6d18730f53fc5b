"""Demo testing: a random-testing policy for every client in aftercare (care's active "aftercare"
episodes) and the program default for the demo login, four weeks of recorded daily draws, the
tests given (mostly negative, a few positives confirmed by the lab, one expected buprenorphine
positive, the odd no-show), and today's selections. Draw seeds come from the demo's seeded
generator so the demo is the same every time; the real job uses the OS CSPRNG."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from recoverypath.alerts.services import alert_raise
from recoverypath.care.models import EpisodeOfCare

from . import draw
from .catalog import standard_cutoffs
from .models import (
    AnalyteResult,
    Collection,
    DrawEntry,
    PrescribedMedication,
    SelectionDraw,
    TestingPolicy,
    TestSelection,
)
from .services import standard_panels

DAYS = 28
WEEKDAYS = [0, 1, 2, 3, 4]
RATES = [
    (2, "week", WEEKDAYS),
    (1, "week", WEEKDAYS),
    (2, "week", list(range(7))),
    (6, "month", WEEKDAYS),
]


def extend(*, result, rng, today, staff, clients) -> None:
    if not clients:
        return
    org = result.organization
    coordinator = staff["coordinator"]
    panels = standard_panels()
    aftercare = list(
        EpisodeOfCare.objects.filter(
            client__organization=org, status="active", level_code="aftercare"
        )
        .exclude(client_id=clients[0].id)
        .select_related("client", "client__program")
        .order_by("client_id")
    )
    chosen = [(e.client, max(e.start_date, today - timedelta(days=DAYS))) for e in aftercare]
    chosen.append((clients[0], today - timedelta(days=DAYS)))
    policies = []
    for index, (client, start) in enumerate(chosen):
        tests, period, days = RATES[index % len(RATES)]
        on_bup = index % 7 == 3
        policies.append(
            TestingPolicy(
                client=client,
                program=client.program,
                origin="aftercare" if client.id != clients[0].id else "program_default",
                tests_per_period=tests,
                period=period,
                panel=panels["urine-recovery" if on_bup else "urine-5"],
                specimen_types=["urine", "breath"],
                window_days=days,
                window_start=time(8, 0),
                window_end=time(17, 0),
                observed=index % 3 == 0,
                site=f"{client.program.name} office, {10 + index % 5} Imaginary Lane",
                start_date=start,
                created_by=coordinator,
            )
        )
    TestingPolicy.objects.bulk_create(policies)
    PrescribedMedication.objects.bulk_create(
        PrescribedMedication(
            client=p.client,
            name="Buprenorphine-naloxone 8/2 mg (demo)",
            analyte="buprenorphine",
            start_date=p.start_date - timedelta(days=60),
            prescriber="Dr. Fennimore Quibble (fictional)",
            recorded_by=coordinator,
        )
        for p in policies
        if p.panel is not None and p.panel.code == "urine-recovery"
    )
    _history(rng=rng, today=today, policies=policies, programs=result.programs, staff=coordinator)
    # The demo login is asked for a test today whatever the draw says (a scheduled one).
    demo_policy = policies[-1]
    zone = ZoneInfo(demo_policy.program.time_zone)
    TestSelection.objects.get_or_create(
        client=demo_policy.client,
        date=today,
        kind="scheduled",
        defaults={
            "program": demo_policy.program,
            "policy": demo_policy,
            "window_opens_at": datetime.combine(today, time(8), tzinfo=zone),
            "window_closes_at": datetime.combine(today, time(17), tzinfo=zone),
            "site": demo_policy.site,
            "specimen_types": demo_policy.specimen_types,
            "reason": "Weekly check (demo)",
            "created_by": coordinator,
        },
    )


def _history(*, rng, today, policies, programs, staff) -> None:
    """Draw every day of the last four weeks (and today), in bulk; give the past tests."""
    by_program: dict[int, list[TestingPolicy]] = {p.id: [] for p in programs}
    for policy in policies:
        by_program[policy.program_id].append(policy)
    now = timezone.now()
    selections: list[TestSelection] = []
    for program in programs:
        zone = ZoneInfo(program.time_zone)
        in_program = by_program[program.id]
        for offset in range(DAYS, -1, -1):
            day = today - timedelta(days=offset)
            force = [
                draw.PolicyInForce(
                    p.id, p.client_id, p.tests_per_period, p.period, tuple(p.window_days)
                )
                for p in in_program
                if p.start_date <= day
            ]
            seed = rng.randbytes(draw.SEED_BYTES)
            drawn = draw.draw_day(seed=seed, day=day, policies=force)
            record = SelectionDraw.objects.create(
                program=program,
                date=day,
                algorithm=draw.ALGORITHM,
                seed=seed.hex(),
                drawn_at=datetime.combine(day, time(0, 5), tzinfo=zone),
                policies=len(drawn),
                selected=sum(d.selected for d in drawn),
            )
            entries = DrawEntry.objects.bulk_create(
                DrawEntry(
                    draw=record,
                    policy_id=d.policy.policy_id,
                    client_id=d.policy.client_id,
                    tests_per_period=d.policy.tests_per_period,
                    period=d.policy.period,
                    window_days=list(d.policy.window_days),
                    probability=d.probability,
                    value=d.value,
                    selected=d.selected,
                )
                for d in drawn
            )
            policy_by_id = {p.id: p for p in in_program}
            for entry in entries:
                if not entry.selected:
                    continue
                policy = policy_by_id[entry.policy_id]
                opens = datetime.combine(day, time(8), tzinfo=zone)
                closes = datetime.combine(day, time(17), tzinfo=zone)
                status = "selected"
                if closes <= now:
                    status = "no_show" if rng.random() < 0.07 else "collected"
                selections.append(
                    TestSelection(
                        client_id=policy.client_id,
                        program=program,
                        policy=policy,
                        draw_entry=entry,
                        date=day,
                        window_opens_at=opens,
                        window_closes_at=closes,
                        site=policy.site,
                        observed=policy.observed,
                        specimen_types=policy.specimen_types,
                        status=status,
                        seen_at=opens - timedelta(hours=rng.randint(1, 6)),
                        closed_at=closes if status != "selected" else None,
                    )
                )
    TestSelection.objects.bulk_create(selections, batch_size=2000)
    _collections(rng=rng, selections=selections, policies=policies, staff=staff, now=now)


def _collections(*, rng, selections, policies, staff, now) -> None:
    policy_by_id = {p.id: p for p in policies}
    collections, plan = [], []
    for selection in selections:
        if selection.status != "collected":
            continue
        policy = policy_by_id[selection.policy_id]
        moment = selection.window_opens_at + timedelta(minutes=rng.randint(20, 500))
        breath = rng.random() < 0.25
        collection = Collection(
            client_id=selection.client_id,
            program=selection.program,
            policy=policy,
            selection=selection,
            collected_at=moment,
            specimen_type="breath" if breath else "urine",
            panel=None if breath else policy.panel,
            observed=policy.observed,
            collector="Cora Coordwell",
            custody_form_number=""
            if breath
            else f"DEMO-{selection.date:%m%d}-{selection.client_id}",
            brac=Decimal("0.000") if breath else None,
            recorded_by=staff,
        )
        collections.append(collection)
        plan.append((collection, policy, breath))
    Collection.objects.bulk_create(collections, batch_size=2000)
    results = []
    positives = []
    for collection, policy, breath in plan:
        if breath:
            continue
        cutoffs = standard_cutoffs("urine", tuple(policy.panel.cutoffs))
        positive = rng.choice(["cocaine", "marijuana"]) if rng.random() < 0.06 else None
        for analyte in policy.panel.cutoffs:
            screen = Decimal(cutoffs[analyte]["screen"])
            expected = analyte == "buprenorphine"
            is_positive = analyte == positive or expected
            resulted = collection.collected_at + timedelta(minutes=15)
            value = screen * 3 if is_positive else Decimal(0)
            if analyte == positive:
                presumptive = AnalyteResult(
                    collection=collection,
                    analyte=analyte,
                    stage="presumptive",
                    outcome="positive",
                    value=value,
                    cutoff=screen,
                    current=False,
                    sent_for_confirmation_at=resulted,
                    resulted_at=resulted,
                    recorded_by=staff,
                )
                confirmed = AnalyteResult(
                    collection=collection,
                    analyte=analyte,
                    stage="confirmed",
                    outcome="positive",
                    value=value,
                    cutoff=Decimal(cutoffs[analyte]["confirm"]),
                    resulted_at=resulted + timedelta(days=2),
                    recorded_by=staff,
                )
                results += [presumptive, confirmed]
                positives.append((collection, presumptive, confirmed))
                continue
            results.append(
                AnalyteResult(
                    collection=collection,
                    analyte=analyte,
                    stage="presumptive",
                    outcome="positive" if is_positive else "negative",
                    value=value,
                    cutoff=screen,
                    expected=expected,
                    resulted_at=resulted,
                    recorded_by=staff,
                )
            )
    AnalyteResult.objects.bulk_create(results, batch_size=2000)
    for _, presumptive, confirmed in positives:
        presumptive.replaced_by = confirmed
    AnalyteResult.objects.bulk_update([p for _, p, _ in positives], ["replaced_by"])
    # The inbox shows the latest positive and no-show (a few alerts, whatever the size).
    for collection, _, confirmed in positives[-2:]:
        alert_raise(
            client=collection.client,
            kind="testing.positive",
            severity="high",
            reason=f"Positive test on {collection.collected_at:%b %-d}: "
            f"{confirmed.get_analyte_display()} (lab confirmed).",
            dedup_key=f"testing.positive:{collection.id}",
            source=collection,
            source_url=reverse("testing:client", args=[collection.client_id]),
        )
    no_shows = [s for s in selections if s.status == "no_show"]
    for selection in no_shows[-2:]:
        alert_raise(
            client=selection.client,
            kind="testing.no_show",
            severity="high",
            reason=f"Random test on {selection.date:%b %-d} not given: the window closed at "
            "17:00 with no collection.",
            dedup_key=f"testing.no_show:{selection.id}",
            source=selection,
            source_url=reverse("testing:client", args=[selection.client_id]),
        )
