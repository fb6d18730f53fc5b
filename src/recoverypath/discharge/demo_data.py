"""Demo discharge planning: a plan for every IOP episode (some complete, some with items open as
graduation nears), graduates with their referrals and a believable spread of gaps in care (most
within a week, some longer, a few with no aftercare contact yet: the first appointment is the
first aftercare contact the aftercare demo recorded). Bulk inserts only."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Field, Min
from django.utils import timezone

from recoverypath.aftercare.models import ComponentContact, ExternalProvider
from recoverypath.care.models import EpisodeOfCare

from .checklist import SPECS
from .models import ChecklistItem, DischargePlan, DischargeSummary, Referral, ReferralStatusChange

Kind = ChecklistItem.Kind

SAMPLE_DATA = {
    Kind.LIVING_SITUATION: [
        {"situation": "stable", "plan": ""},
        {"situation": "sober_living", "plan": "Moves into Lanternfly House on the 1st."},
        {"situation": "unsafe", "plan": "Roommate uses; staying with sister until a bed opens."},
    ],
    Kind.BARRIERS: [
        {"barriers": [{"barrier": "Friday drinks after work", "plan": "Friday 6pm NA meeting"}]},
        {
            "barriers": [
                {"barrier": "Boredom on weekends", "plan": "Saturday hiking group"},
                {"barrier": "Payday", "plan": "Direct deposit to savings; sister holds card"},
            ]
        },
    ],
    Kind.PEER_SUPPORT: [
        {"groups": [{"kind": "aa", "name": "", "meeting_days": ["mon", "wed", "fri"]}]},
        {"groups": [{"kind": "smart", "name": "", "meeting_days": ["tue", "thu"]}]},
        {"groups": [{"kind": "na", "name": "", "meeting_days": ["sat"]}]},
    ],
    Kind.FAMILY: [
        {"involvement": "sessions_held", "sessions": 2, "family_receives_information": False},
        {"involvement": "declined", "family_receives_information": False},
    ],
    Kind.MEDICATION: [{"no_medications": True, "medications": []}],
    Kind.AFTERCARE_PLAN: [
        {"summary": "Weekly therapy, AA three times a week, coordinator check-ins every 2 weeks."},
        {"summary": "Biweekly therapy, SMART Recovery, medication management monthly."},
    ],
}


def _column(name: str) -> str:
    field = ChecklistItem._meta.get_field(name)
    assert isinstance(field, Field)  # names below are the item's own columns
    return str(field.column)


def _item_data(rng, kind, today) -> dict:
    if kind == Kind.MEDICATION and rng.random() < 0.5:
        return {
            "no_medications": False,
            "medications": [
                {
                    "name": rng.choice(["Naltrexone", "Buprenorphine", "Sertraline"]),
                    "dose": "as prescribed",
                }
            ],
            "prescriber_after_discharge": "Dr. Fennimore Quibble (fictional)",
            "next_appointment_date": (today + timedelta(days=20)).isoformat(),
            "supply_until": (today + timedelta(days=30)).isoformat(),
        }
    return dict(rng.choice(SAMPLE_DATA[kind])) if kind in SAMPLE_DATA else {}


def _insert_items(items: list[ChecklistItem]) -> None:
    """bulk_create's per-field preparation dominates at 60,000+ rows (9 items per plan for a
    10,000-client demo): insert the rows with one executemany instead, adapting values the way
    the backend does."""
    ops = connection.ops
    names = [
        "plan_id",
        "kind",
        "position",
        "status",
        "required",
        "owner_id",
        "due_date",
        "evidence",
        "data",
        "completed_at",
        "completed_by_id",
        "updated_at",
    ]
    columns = ", ".join(_column(n.removesuffix("_id")) for n in names)
    # bandit B608: the table and column names come from the model and every value goes as a
    # query parameter, so nothing from input reaches the SQL text.
    table = ChecklistItem._meta.db_table
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # nosec B608
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            i.plan_id,
            i.kind,
            i.position,
            i.status,
            i.required,
            i.owner_id,
            ops.adapt_datefield_value(i.due_date),
            i.evidence,
            json.dumps(i.data),
            ops.adapt_datetimefield_value(i.completed_at),
            i.completed_by_id,
            now,
        )
        for i in items
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def extend(*, result, rng, today, staff, clients) -> None:
    by_id = {c.id: c for c in clients}
    coordinator = staff["coordinator"]
    providers = list(ExternalProvider.objects.filter(organization=result.organization))
    therapists = [p for p in providers if p.kind in ("therapist", "psychiatrist")] or providers
    episodes = list(
        EpisodeOfCare.objects.filter(
            client_id__in=by_id, level_code="2.1", status__in=["active", "finished"]
        ).order_by("id")
    )
    # The day each graduate first attended aftercare (their aftercare plan's first contact).
    first_contact = dict(
        ComponentContact.objects.filter(
            component__plan__client__organization=result.organization, attended=True
        )
        .values("component__plan__client_id")
        .annotate(first=Min("date"))
        .values_list("component__plan__client_id", "first")
    )
    now = timezone.now()
    plans: list[DischargePlan] = []
    for episode in episodes:
        client = by_id[episode.client_id]
        graduated = episode.status == "finished" and "Completed" in episode.end_reason
        if episode.status == "finished" and not graduated:
            continue
        target = episode.planned_end_date or episode.start_date + timedelta(weeks=8)
        if not graduated and rng.random() < 0.25:
            target = today + timedelta(days=rng.randint(1, 13))  # graduating soon
        if client is clients[0]:
            target = today + timedelta(days=12)
        plan = DischargePlan(
            organization_id=client.organization_id,
            program_id=episode.program_id,
            client=client,
            episode=episode,
            owner_id=client.primary_clinician_id,
            target_graduation_date=max(target, episode.start_date),
            diagnoses=[
                rng.choice(
                    [
                        {"code": "F10.20", "description": "Alcohol use disorder, moderate"},
                        {"code": "F11.20", "description": "Opioid use disorder, moderate"},
                        {"code": "F14.20", "description": "Cocaine use disorder, moderate"},
                    ]
                )
            ],
        )
        if graduated and episode.end_date is not None:
            plan.status = DischargePlan.Status.GRADUATED
            plan.graduated_on = episode.end_date
            plan.graduated_at = datetime.combine(
                episode.end_date, time(15), ZoneInfo(client.time_zone)
            )
            plan.graduated_by_id = client.primary_clinician_id
            plan.last_iop_session_on = episode.end_date - timedelta(days=rng.choice([0, 0, 1, 2]))
            plan.alumni_offered_at = plan.graduated_at
            plan.alumni_response = rng.choice(["accepted", "accepted", "declined", ""])
            if rng.random() < 0.1:
                plan.override_reason = (
                    "Moved out of state; warm hand-off to local provider by phone."
                )
                plan.override_open_items = ["First aftercare appointment booked"]
        plans.append(plan)
    DischargePlan.objects.bulk_create(plans, batch_size=2000)

    # Referrals first, so the first-appointment items can name theirs.
    referrals: dict[int, Referral] = {}
    progress_by_plan: dict[int, float] = {}
    for plan in plans:
        episode = plan.episode
        client = plan.client
        graduated = plan.status == DischargePlan.Status.GRADUATED
        elapsed = (today - episode.start_date).days
        total = max((plan.target_graduation_date - episode.start_date).days, 1)
        progress = 1.0 if graduated else min(1.0, elapsed / total + rng.uniform(-0.1, 0.35))
        if client is clients[0]:
            progress = 0.6
        progress_by_plan[plan.id] = progress
        if not therapists or not (graduated or rng.random() < progress * 0.8):
            continue
        anchor = plan.graduated_on or plan.target_graduation_date
        attended_on = first_contact.get(client.id) if graduated else None
        if attended_on is not None and attended_on > today:
            attended_on = None
        appointment_day = attended_on or anchor + timedelta(days=rng.randint(1, 6))
        if attended_on:
            status = Referral.Status.ATTENDED
        elif graduated and appointment_day < today:
            status = Referral.Status.NO_SHOW
        else:
            status = Referral.Status.BOOKED
        referrals[plan.id] = Referral(
            organization_id=client.organization_id,
            client=client,
            provider=rng.choice(therapists),
            plan=plan,
            reason="Outpatient therapy after IOP",
            status=status,
            sent_at=now - timedelta(days=max(elapsed - 7, 1)),
            appointment_at=datetime.combine(
                appointment_day, time(rng.choice([9, 10, 14, 16])), ZoneInfo(client.time_zone)
            ),
            attended_on=attended_on,
            referred_by=coordinator,
        )
        # Every other first therapy appointment by video (the therapists offer it).
        if len(referrals) % 2 == 0:
            referrals[plan.id].appointment_modality = "video"
            referrals[plan.id].join_url = f"https://video.example.test/room/first-visit-{client.id}"
    Referral.objects.bulk_create(referrals.values(), batch_size=2000)
    ReferralStatusChange.objects.bulk_create(
        [
            ReferralStatusChange(referral=r, to_status=r.status, actor=coordinator)
            for r in referrals.values()
        ],
        batch_size=5000,
    )

    items: list[ChecklistItem] = []
    for plan in plans:
        episode = plan.episode
        client = plan.client
        graduated = plan.status == DischargePlan.Status.GRADUATED
        progress = progress_by_plan[plan.id]
        referral = referrals.get(plan.id)
        for spec in SPECS:
            # The safety plan is done only where the safety app holds one (its own demo data);
            # here it is marked not applicable (no risk recorded) or left open.
            done = spec.kind not in (Kind.FIRST_APPOINTMENT, Kind.SAFETY_PLAN) and (
                graduated or (rng.random() < progress and spec.kind != Kind.ALUMNI)
            )
            data = _item_data(rng, spec.kind, today) if done else {}
            if spec.kind == Kind.FIRST_APPOINTMENT and referral is not None:
                done = True
                data = {
                    "referral_id": referral.id,
                    "provider": referral.provider.name,
                    "appointment_at": referral.appointment_at.isoformat()
                    if referral.appointment_at
                    else "",
                }
            item_status = ChecklistItem.Status.DONE if done else ChecklistItem.Status.OPEN
            if spec.kind == Kind.SAFETY_PLAN:
                item_status = (
                    ChecklistItem.Status.NOT_APPLICABLE if rng.random() < 0.8 else item_status
                )
            items.append(
                ChecklistItem(
                    plan=plan,
                    kind=spec.kind,
                    position=spec.position,
                    required=spec.required,
                    status=item_status,
                    owner_id=(
                        client.primary_clinician_id
                        if spec.owner_role == "clinician"
                        else client.coordinator_id or client.primary_clinician_id
                    ),
                    due_date=spec.due_date(
                        start=episode.start_date, target=plan.target_graduation_date
                    ),
                    data=data,
                    evidence=(
                        "No self-harm history; C-SSRS negative at intake."
                        if item_status == ChecklistItem.Status.NOT_APPLICABLE
                        else ("See progress note." if done else "")
                    ),
                    completed_at=now if item_status != ChecklistItem.Status.OPEN else None,
                    completed_by_id=client.primary_clinician_id if done else None,
                )
            )
    _insert_items(items)

    # A few signed summaries to look at (the full content is built per plan, so only a handful).
    from .services.summary import summary_content

    summaries = []
    for plan in [p for p in plans if p.status == DischargePlan.Status.GRADUATED][:5]:
        if plan.graduated_at is None:
            continue
        summaries.append(
            DischargeSummary(
                plan=plan,
                content=summary_content(plan=plan),
                generated_at=plan.graduated_at,
                signed_by_id=plan.owner_id,
                signed_at=plan.graduated_at + timedelta(hours=2),
                signature_name=str(plan.owner) if plan.owner else "",
            )
        )
    DischargeSummary.objects.bulk_create(summaries)
