"""The discharge plan's owner follows the client's primary clinician until the plan is signed
(#18 part 7); a plan given to someone else on purpose keeps its owner."""

from __future__ import annotations

import pytest

from recoverypath.accounts.models import Role
from recoverypath.clients import services as client_services
from recoverypath.core.audit import AuditEvent
from recoverypath.discharge import services
from recoverypath.discharge.models import ChecklistItem, DischargePlan
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_clinician(cast):
    return staff(cast.program, Role.CLINICIAN, email="clinician-2@test.example.org")


def test_the_open_plan_and_the_clinicians_open_items_follow_the_new_clinician(
    cast, plan, new_clinician
):
    assert plan.owner == cast.clinician
    clinician_items = set(
        plan.items.filter(owner=cast.clinician, status="open").values_list("id", flat=True)
    )
    assert clinician_items
    client_services.client_update(
        actor=cast.admin, client=cast.client, primary_clinician=new_clinician
    )
    plan.refresh_from_db()
    assert plan.owner == new_clinician
    assert (
        set(ChecklistItem.objects.filter(owner=new_clinician).values_list("id", flat=True))
        == clinician_items
    )
    assert AuditEvent.objects.filter(
        actor=cast.admin, object_id=str(plan.id), changes__reason="primary clinician"
    ).exists()


def test_a_plan_given_to_another_clinician_keeps_its_owner(cast, plan, new_clinician):
    services.discharge_plan_update(actor=cast.admin, plan=plan, owner=cast.admin)
    client_services.client_update(
        actor=cast.admin, client=cast.client, primary_clinician=new_clinician
    )
    plan.refresh_from_db()
    assert plan.owner == cast.admin


def test_a_plan_that_is_no_longer_open_keeps_its_owner(cast, plan, new_clinician):
    DischargePlan.objects.filter(pk=plan.pk).update(status=DischargePlan.Status.GRADUATED)
    client_services.client_update(
        actor=cast.admin, client=cast.client, primary_clinician=new_clinician
    )
    plan.refresh_from_db()
    assert plan.owner == cast.clinician
