"""Demo episodes of care: about half the clients in IOP (some stepped down from PHP), about 40%
graduated and now in aftercare, a few admitted next week. clients[0] (the demo login) is in IOP.

This decides the demo's cohort: later apps read it back (`cohort()`), so a client in IOP gets a
group and an open discharge plan, and a client in aftercare an aftercare plan and a graduation.
Bulk inserts only (no signals): later apps' demo data builds on these rows directly.
"""

from __future__ import annotations

from datetime import timedelta

from .models import EpisodeOfCare, EpisodeStatusChange, Track

SAFE_ANSWERS = {
    "needs_withdrawal_management": False,
    "living_environment_unsafe": False,
    "acute_safety_risk": False,
    "can_attend_hours": True,
}
Status = EpisodeOfCare.Status
IOP, AFTERCARE = "2.1", "aftercare"


def cohort(clients: list) -> dict[int, str]:
    """client id -> level of their active episode ("2.1" in IOP, "aftercare"); clients with only
    a planned episode are left out. One query, for the later stages of the demo."""
    if not clients:
        return {}
    return dict(
        EpisodeOfCare.objects.filter(
            client__organization_id=clients[0].organization_id,
            status=Status.ACTIVE,
            level_code__in=(IOP, AFTERCARE),
        ).values_list("client_id", "level_code")
    )


def _track(rng, client) -> str:
    roll = rng.random()
    if client.sex_assigned_at_birth == "female" and roll < 0.35:
        return Track.WOMENS
    if roll < 0.55:
        return Track.CO_OCCURRING
    return Track.GENERAL


def extend(*, result, rng, today, staff, clients) -> None:
    clinician = staff["clinician"]
    earlier: list[EpisodeOfCare] = []
    plans: list[tuple[int, str, dict]] = []  # (index, kind, data) for the second pass
    for index, client in enumerate(clients):
        roll = 0.0 if index == 0 else rng.random()
        track = Track.GENERAL if index == 0 else _track(rng, client)
        start = today - timedelta(days=rng.randint(7, 70))
        if roll < 0.10:  # PHP first, then stepped down to IOP
            php_start = start - timedelta(days=rng.randint(14, 28))
            earlier.append(
                EpisodeOfCare(
                    client=client,
                    program_id=client.program_id,
                    level_code="2.5",
                    status=Status.FINISHED,
                    track=track,
                    start_date=php_start,
                    end_date=start,
                    end_reason="Stepped down to 2.1 Intensive outpatient: stable after PHP.",
                    placement_answers=SAFE_ANSWERS,
                    created_by=clinician,
                )
            )
            plans.append((index, "iop_after_php", {"start": start, "track": track}))
        elif roll < 0.50:  # finished IOP, now in aftercare
            iop_start = start - timedelta(days=rng.randint(56, 84))
            earlier.append(
                EpisodeOfCare(
                    client=client,
                    program_id=client.program_id,
                    level_code="2.1",
                    status=Status.FINISHED,
                    track=track,
                    start_date=iop_start,
                    end_date=start,
                    end_reason="Completed IOP.",
                    placement_answers=SAFE_ANSWERS,
                    created_by=clinician,
                )
            )
            plans.append((index, "aftercare", {"start": start, "track": track}))
        elif roll < 0.54:  # admitted next week
            plans.append(
                (
                    index,
                    "planned",
                    {"start": today + timedelta(days=rng.randint(1, 7)), "track": track},
                )
            )
        else:
            plans.append(
                (
                    index,
                    "iop",
                    {"start": start if index else today - timedelta(days=21), "track": track},
                )
            )
    EpisodeOfCare.objects.bulk_create(earlier, batch_size=2000)
    previous = {e.client_id: e for e in earlier}

    current = []
    for index, kind, data in plans:
        client = clients[index]
        level = "aftercare" if kind == "aftercare" else "2.1"
        status = Status.PLANNED if kind == "planned" else Status.ACTIVE
        before = previous.get(client.id)
        current.append(
            EpisodeOfCare(
                client=client,
                program_id=client.program_id,
                level_code=level,
                status=status,
                track=data["track"],
                start_date=data["start"],
                planned_end_date=data["start"] + timedelta(days=84 if level == "2.1" else 90),
                previous_episode=before,
                transition_reason=(
                    "Stable after two weeks of PHP; ready for IOP hours."
                    if kind == "iop_after_php"
                    else ""
                ),
                placement_answers=SAFE_ANSWERS if level == "2.1" else {},
                created_by=clinician,
            )
        )
    EpisodeOfCare.objects.bulk_create(current, batch_size=2000)

    # Lifecycle history for the first clients' episodes (what the timeline shows in the demo).
    first_ids = {c.id for c in clients[:50]}
    shown = [e for e in [*earlier, *current] if e.client_id in first_ids]
    history = []
    for e in shown:
        opened = Status.PLANNED if e.status == Status.PLANNED else Status.ACTIVE
        history.append(
            EpisodeStatusChange(
                episode=e,
                from_status="",
                to_status=opened,
                actor=clinician,
                reason=e.transition_reason,
            )
        )
        if e.status == Status.FINISHED:
            history.append(
                EpisodeStatusChange(
                    episode=e,
                    from_status=Status.ACTIVE,
                    to_status=Status.FINISHED,
                    actor=clinician,
                    reason=e.end_reason,
                )
            )
    EpisodeStatusChange.objects.bulk_create(history)
