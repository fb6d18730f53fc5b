"""The discharge services are the authority for the rules the API checks first."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from recoverypath.discharge import services
from recoverypath.discharge.permissions import can_view_discharge_plan

from .conftest import item

pytestmark = pytest.mark.django_db


def test_checklist_data_that_is_not_an_object_is_refused_by_the_service(cast, plan):
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(
            actor=cast.coordinator, item=item(plan, "living_situation"), data=["stable"]
        )
    assert exc.value.message_dict == {"data": ["Must be an object."]}


def test_the_discharge_plan_is_seen_by_the_client_and_coordinators_up(cast):
    allowed = {
        role
        for role in ("client", "admin", "clinician", "coordinator", "front_desk", "outsider")
        if can_view_discharge_plan(cast.person(role), cast.client)
    }
    assert allowed == {"client", "admin", "clinician", "coordinator"}
