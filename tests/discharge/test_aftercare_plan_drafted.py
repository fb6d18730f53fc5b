"""Drafting the aftercare plan (in the aftercare app) completes the discharge checklist's
"aftercare plan drafted" item, linked to the plan; nothing else is touched."""

from __future__ import annotations

import pytest

from recoverypath.aftercare.services import aftercare_plan_start
from recoverypath.core.models import AuditEvent
from recoverypath.discharge.models import ChecklistItem

pytestmark = pytest.mark.django_db


def _item(plan, kind=ChecklistItem.Kind.AFTERCARE_PLAN) -> ChecklistItem:
    return plan.items.get(kind=kind)


def _draft(cast, plan, actor=None):
    return aftercare_plan_start(
        actor=actor or cast.coordinator,
        client=cast.client,
        episode=plan.episode,
        start_date=plan.target_graduation_date,
        months=3,
        components=[{"kind": "therapy", "title": "CBT", "expected_per_week": 1}],
    )


def test_drafting_the_aftercare_plan_completes_the_item_with_a_link(cast, plan):
    assert _item(plan).status == ChecklistItem.Status.OPEN
    aftercare = _draft(cast, plan)
    item = _item(plan)
    assert item.status == ChecklistItem.Status.DONE
    assert item.data["aftercare_plan_id"] == aftercare.id
    assert item.data["summary"].startswith("Aftercare plan from ")
    assert item.completed_by == cast.coordinator and item.completed_at is not None
    assert AuditEvent.objects.filter(
        object_type="discharge.checklistitem", object_id=str(item.id), action="update"
    ).exists()
    # Nothing else on the checklist moved.
    assert _item(plan, ChecklistItem.Kind.BARRIERS).status == ChecklistItem.Status.OPEN


def test_the_plan_page_links_the_item_to_the_aftercare_plan(cast, plan, client):
    aftercare = _draft(cast, plan)
    client.force_login(cast.coordinator)
    text = client.get(f"/discharge/plans/{plan.id}/").content.decode()
    assert f'href="/aftercare/plans/{aftercare.id}/"' in text


def test_an_item_already_done_keeps_its_own_summary(cast, plan):
    item = _item(plan)
    item.status = ChecklistItem.Status.NOT_APPLICABLE
    item.evidence = "Moving out of state."
    item.save()
    _draft(cast, plan)
    item.refresh_from_db()
    assert item.status == ChecklistItem.Status.NOT_APPLICABLE
    assert "aftercare_plan_id" not in (item.data or {})


def test_a_plan_without_an_open_discharge_plan_changes_nothing(cast, client_in_no_iop):
    # A client in no IOP: the plan starts without a discharge checklist to complete.
    aftercare = aftercare_plan_start(actor=cast.coordinator, client=client_in_no_iop, months=3)
    assert aftercare.pk is not None
    assert not ChecklistItem.objects.filter(data__aftercare_plan_id=aftercare.id).exists()


@pytest.fixture
def client_in_no_iop(cast):
    from tests.factories import ClientFactory

    return ClientFactory(
        program=cast.program, coordinator=cast.coordinator, primary_clinician=cast.clinician
    )
