"""The discharge checklist keeps a reference to the first aftercare appointment and shows it live
in the program's zone (#18 part 7): a rebooked referral shows its new time,
not a stale UTC copy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recoverypath.clients.models import Client
from recoverypath.discharge import services
from recoverypath.discharge.checklist import describe
from recoverypath.discharge.models import ChecklistItem

from .conftest import NY, appointment_at, item

pytestmark = pytest.mark.django_db


def _on(when) -> str:
    local = when.astimezone(NY)
    return f"{local:%a %b} {local.day}, {local:%Y} {local:%-I:%M %p %Z}"


def test_the_checklist_shows_the_rebooked_appointment_in_the_programs_zone(
    client, cast, plan, provider
):
    # The client lives on the west coast; the program (and its checklist) runs on New York time.
    Client.objects.filter(pk=cast.client.pk).update(time_zone="America/Los_Angeles")
    cast.client.refresh_from_db()
    first = appointment_at(plan.target_graduation_date + timedelta(days=3), hour=10)
    referral = services.referral_create(
        actor=cast.coordinator,
        client=cast.client,
        provider=provider,
        reason="Weekly therapy",
        appointment_at=first,
    )
    checklist_item = item(plan, ChecklistItem.Kind.FIRST_APPOINTMENT)
    assert checklist_item.status == "done"
    assert checklist_item.referral_id == referral.id
    client.force_login(cast.coordinator)
    html = client.get(f"/discharge/plans/{plan.id}/").content.decode()
    assert f"{provider.name}, {_on(first)}" in html

    rebooked = appointment_at(plan.target_graduation_date + timedelta(days=5), hour=15)
    services.referral_transition(
        actor=cast.coordinator, referral=referral, to="appointment_booked", appointment_at=rebooked
    )
    html = client.get(f"/discharge/plans/{plan.id}/").content.decode()
    assert _on(rebooked) in html
    assert describe(item(plan, ChecklistItem.Kind.FIRST_APPOINTMENT)) == (
        f"{provider.name}, {_on(rebooked)}"
    )
    assert "3:00 PM" in html  # New York wall time, not UTC (20:00) nor Los Angeles (12:00 PM)
    assert _on(first) not in html
    assert first.astimezone(NY).isoformat()[:16].replace("T", " ") not in html


def test_a_cancelled_referral_reads_as_cancelled_on_the_item(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator,
        client=cast.client,
        provider=provider,
        appointment_at=appointment_at(plan.target_graduation_date + timedelta(days=2)),
    )
    services.referral_transition(actor=cast.coordinator, referral=referral, to="cancelled")
    text = describe(item(plan, ChecklistItem.Kind.FIRST_APPOINTMENT))
    assert text.startswith(provider.name) and text.endswith("(cancelled)")


def test_reopening_the_item_drops_the_reference(cast, plan, provider):
    services.referral_create(
        actor=cast.coordinator,
        client=cast.client,
        provider=provider,
        appointment_at=appointment_at(plan.target_graduation_date + timedelta(days=2)),
    )
    services.checklist_item_update(
        actor=cast.coordinator, item=item(plan, ChecklistItem.Kind.FIRST_APPOINTMENT), status="open"
    )
    assert item(plan, ChecklistItem.Kind.FIRST_APPOINTMENT).referral_id is None
