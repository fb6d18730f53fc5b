"""Discharge fixtures: an IOP episode started through care (so the plan opens as in production),
a directory provider, and helpers that complete checklist items the way staff would."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from recoverypath.aftercare.models import ExternalProvider
from recoverypath.care.services import episode_start
from recoverypath.consent.services import consent_create
from recoverypath.core.timezones import local_today
from recoverypath.discharge import services
from recoverypath.discharge.models import ChecklistItem, DischargePlan
from tests.factories import SAFE_PLACEMENT

NY = ZoneInfo("America/New_York")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run transaction.on_commit callbacks (care's signals) inside a test transaction."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def start_iop(run_on_commit, cast, *, client=None, days_ago: int = 40, weeks: int = 8):
    client = client or cast.client
    today = local_today("America/New_York")
    start = today - timedelta(days=days_ago)
    return run_on_commit(
        episode_start,
        actor=cast.clinician,
        client=client,
        level_code="2.1",
        start_date=start,
        planned_end_date=start + timedelta(weeks=weeks),
        placement_answers=SAFE_PLACEMENT,
    )


@pytest.fixture
def plan(cast, run_on_commit) -> DischargePlan:
    episode = start_iop(run_on_commit, cast)
    return DischargePlan.objects.get(episode=episode)


@pytest.fixture
def provider(cast) -> ExternalProvider:
    return ExternalProvider.objects.create(
        organization=cast.program.organization,
        name="Dr. Wren Fernsby (fictional)",
        kind=ExternalProvider.Kind.THERAPIST,
        services="CBT, relapse prevention",
        address="12 Lanternfield Row",
        phone="+12025550177",
        telehealth=True,
        accepted_insurance="Fictional Health Plan",
    )


def item(plan: DischargePlan, kind: str) -> ChecklistItem:
    return plan.items.get(kind=kind)


def appointment_at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=NY)


def family_consent(cast, contact, **overrides):
    data = dict(
        information_description="Attendance and progress in IOP and the discharge plan",
        recipient_name=contact.name,
        purposes=["family_involvement"],
        revocation_right_explained=True,
        how_to_revoke="In writing to the program director at any time.",
        expires_on=local_today("America/New_York") + timedelta(days=180),
        signed_by_name="Juniper Quillfeather",
        signed_on=local_today("America/New_York") - timedelta(days=3),
        categories=["attendance", "discharge_summary"],
        recipient_kind="family",
        signature_attested=True,
    )
    data.update(overrides)
    return consent_create(actor=cast.clinician, client=cast.client, recipient=contact, **data)


DONE_DATA = {
    ChecklistItem.Kind.LIVING_SITUATION: {"situation": "stable", "plan": ""},
    ChecklistItem.Kind.BARRIERS: {
        "barriers": [{"barrier": "Friends who drink on Fridays", "plan": "Friday NA meeting"}]
    },
    ChecklistItem.Kind.PEER_SUPPORT: {
        "groups": [{"kind": "na", "name": "", "meeting_days": ["mon", "fri"]}]
    },
    ChecklistItem.Kind.FAMILY: {"involvement": "declined"},
    ChecklistItem.Kind.MEDICATION: {
        "medications": [{"name": "Naltrexone", "dose": "50 mg daily"}],
        "prescriber_after_discharge": "Dr. Ash Pemberly (fictional)",
        "next_appointment_date": (local_today("America/New_York") + timedelta(days=20)).isoformat(),
        "supply_until": (local_today("America/New_York") + timedelta(days=30)).isoformat(),
    },
    ChecklistItem.Kind.AFTERCARE_PLAN: {"summary": "Weekly therapy, NA twice a week, check-ins."},
}


def complete_checklist(plan: DischargePlan, cast, provider) -> None:
    """Everything required done: the data above, a booked first appointment within 7 days."""
    for kind, data in DONE_DATA.items():
        services.checklist_item_update(
            actor=cast.coordinator, item=item(plan, kind), status="done", data=data
        )
    services.referral_create(
        actor=cast.coordinator,
        client=plan.client,
        provider=provider,
        reason="Weekly outpatient therapy",
        appointment_at=appointment_at(plan.target_graduation_date + timedelta(days=3)),
    )
