"""Demo assessment histories: scores that move the way treatment usually goes (PHQ-9 and GAD-7
falling over the weeks, recovery capital rising), with a due PHQ-9 and a safety plan for the demo
client. Rows are built in memory, scored by the real instruments and bulk-inserted."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from recoverypath.care.models import EpisodeOfCare
from recoverypath.safety.models import SafetyEvent, SafetyPlan, SafetyProfile

from .instruments import REGISTRY, ScoringContext
from .models import Assessment

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

MAX_CLIENTS_WITH_HISTORY = 1000
FORTNIGHT = 14


def _spread(rng, total: int, count: int, low: int, high: int) -> list[int]:
    """`count` answers between low and high summing to `total` (clamped into range)."""
    total = max(low * count, min(high * count, total))
    answers = [low] * count
    rest = total - low * count
    while rest > 0:
        index = rng.randrange(count)
        if answers[index] < high:
            answers[index] += 1
            rest -= 1
    return answers


def _phq9(rng, total: int, item9: int = 0) -> list[int]:
    return [*_spread(rng, total - item9, 8, 0, 3), item9]


def _bam(rng, progress: float) -> list:
    """BAM answers for a client `progress` (0 = intake, 1 = doing well) through treatment."""
    use_days = max(0, int(rng.randint(0, 12) * (1 - progress)))
    drug_days = max(0, int(rng.randint(0, 8) * (1 - progress)))
    return [
        rng.randint(1, 3),
        rng.randint(0, 12),
        max(0, int(rng.randint(2, 15) * (1 - progress))),
        use_days,
        use_days // 2,
        drug_days,
        {"7A": drug_days} if drug_days else None,
        max(0, int(4 * (1 - progress)) - rng.randint(0, 1)),
        min(4, 1 + int(3 * progress)),
        min(30, int(rng.randint(2, 12) + 12 * progress)),
        max(0, int(rng.randint(1, 10) * (1 - progress))),
        rng.randint(0, 4),
        rng.randint(0, 22),
        rng.choice([0, 4, 4]),
        rng.randint(0, 3),
        min(30, int(rng.randint(5, 15) + 10 * progress)),
        min(4, 1 + int(3 * progress)),
    ]


def _audit_c(rng) -> list[int]:
    answers = _spread(rng, rng.randint(0, 9), 3, 0, 4)
    # "Never" drinks means no typical drinking day and no heavy occasion (the consistency rule).
    return [0, 0, 0] if answers[0] == 0 else answers


def _row(client, code: str, answers, when: datetime, episode_id, actor: User, mode) -> Assessment:
    instrument = REGISTRY[code]
    score = instrument.score(answers, ScoringContext(client.sex_assigned_at_birth))
    return Assessment(
        client=client,
        episode_id=episode_id,
        instrument=code,
        answers=answers,
        total=score.total,
        band=score.band or "",
        band_severity=instrument.band_severity(score.band),
        subscales=score.subscales,
        flags=score.flags,
        safety_positive=("self_harm" in score.flags) or ("safety" in score.flags),
        scoring_version=score.scoring_version,
        mode=mode,
        administered_by=actor,
        administered_at=when,
    )


def extend(*, result, rng, today, staff, clients) -> None:
    chosen = clients[:MAX_CLIENTS_WITH_HISTORY]
    episodes = dict(
        EpisodeOfCare.objects.filter(
            client__in=[c.id for c in chosen], status=EpisodeOfCare.Status.ACTIVE
        ).values_list("client_id", "id")
    )
    rows: list[Assessment] = []
    for index, client in enumerate(chosen):
        clinician = client.primary_clinician
        user = client.user if index == 0 else None
        episode_id = episodes.get(client.id)
        weeks = rng.randint(2, 12) if index else 8
        start = today - timedelta(days=weeks * 7 + (1 if index == 0 else 0))

        def at(day, hour=15):
            return datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=UTC)

        phq = rng.randint(9, 22) if index else 17
        gad = rng.randint(7, 18) if index else 14
        barc = rng.randint(28, 44) if index else 34
        rows.append(
            _row(
                client,
                "AUDIT-C",
                _audit_c(rng),
                at(start),
                episode_id,
                clinician,
                "staff",
            )
        )
        dast = [rng.random() < 0.5 for _ in range(10)]
        rows.append(_row(client, "DAST-10", dast, at(start), episode_id, clinician, "staff"))
        rows.append(
            _row(
                client,
                "C-SSRS-SCREEN",
                [False, False, None, None, None, False, None],
                at(start),
                episode_id,
                clinician,
                "staff",
            )
        )
        visits = max(1, (today - start).days // FORTNIGHT + (0 if index == 0 else 1))
        for visit in range(visits):
            day = start + timedelta(days=visit * FORTNIGHT)
            if day > today:
                break
            progress = visit / max(visits - 1, 1)
            mode, actor = ("self", user or clinician) if visit else ("staff", clinician)
            rows.append(
                _row(
                    client,
                    "PHQ-9",
                    _phq9(rng, phq),
                    at(day, 14),
                    episode_id,
                    actor,
                    mode if user or not visit else "staff",
                )
            )
            rows.append(
                _row(
                    client,
                    "GAD-7",
                    _spread(rng, gad, 7, 0, 3),
                    at(day, 14),
                    episode_id,
                    actor,
                    "staff" if not user else mode,
                )
            )
            rows.append(
                _row(
                    client,
                    "BARC-10",
                    _spread(rng, barc, 10, 1, 6),
                    at(day, 14),
                    episode_id,
                    actor,
                    "staff" if not user else mode,
                )
            )
            if visit % 2 == 0:  # the 30-day BAM is given every 28 days, not every fortnight
                rows.append(
                    _row(
                        client,
                        "BAM",
                        _bam(rng, progress),
                        at(day, 14),
                        episode_id,
                        actor,
                        "staff" if not user else mode,
                    )
                )
            phq = max(1, phq - rng.choice([1, 2, 3, 3, 4]) + rng.choice([0, 0, 1]))
            gad = max(0, gad - rng.choice([0, 1, 2, 3]))
            barc = min(58, barc + rng.choice([1, 2, 3, 4]))
    # A recent positive item 9 for one client on the demo clinician's caseload: the to-do shows
    # "Review safety plan" (the alerts demo raises the matching critical alert).
    flagged = next((c for c in chosen[1:] if c.primary_clinician_id == staff["clinician"].id), None)
    if flagged is not None:
        rows.append(
            _row(
                flagged,
                "PHQ-9",
                _phq9(rng, 13, item9=2),
                datetime.combine(today, time(13, 5), tzinfo=UTC),
                episodes.get(flagged.id),
                flagged.user or staff["clinician"],
                "staff",
            )
        )
    Assessment.objects.bulk_create(rows, batch_size=2000)
    if flagged is not None:
        last = Assessment.objects.filter(client=flagged, safety_positive=True).latest("id")
        SafetyEvent.objects.create(
            client=flagged,
            kind=SafetyEvent.Kind.POSITIVE_SCREEN,
            summary="PHQ-9 positive safety screen",
            source_type="assessments.assessment",
            source_id=str(last.id),
            source_url=f"/clients/{flagged.id}/assessments/{last.id}/",
            occurred_at=last.administered_at,
            recorded_by=staff["clinician"],
        )
    _safety_plans(rng=rng, staff=staff, clients=clients)


def _safety_plans(*, rng, staff, clients) -> None:
    plans = []
    profiles = []
    for index, client in enumerate(clients[:4000]):
        if index != 0 and rng.random() > 0.08:
            continue
        writer = client.primary_clinician or staff["clinician"]
        versions = 2 if index == 0 else rng.choice([1, 1, 2])
        for version in range(1, versions + 1):
            plans.append(
                SafetyPlan(
                    client=client,
                    version=version,
                    warning_signs="Isolating in my room; not answering texts; skipping meals",
                    internal_coping="Walk around the block; shower; playlist 'steady'"
                    + ("; box breathing" if version > 1 else ""),
                    social_distractions="Public library on 3rd St; coffee with my cousin",
                    people_to_ask="My sponsor; my sister" if version > 1 else "My sponsor",
                    professionals="My clinician at the program; program after-hours line; "
                    "988 Suicide & Crisis Lifeline; 911",
                    environment_safety="Medications kept by my sister; no alcohol at home",
                    reasons_for_living="My kids; finishing my course",
                    written_by=writer,
                    change_note="Added box breathing and my sister" if version > 1 else "",
                )
            )
        if index == 0 or rng.random() < 0.5:
            profiles.append(
                SafetyProfile(client=client, history_of_self_harm=True, updated_by=writer)
            )
    SafetyPlan.objects.bulk_create(plans, batch_size=2000)
    SafetyProfile.objects.bulk_create(profiles, batch_size=2000)
