"""The aftercare services are the authority for the rules the pages and the API check first."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.aftercare import services
from recoverypath.aftercare.permissions import can_view_aftercare_plan

from .conftest import TODAY


def test_the_step_up_service_itself_refuses_a_coordinator_with_the_pages_message(cast, plan):
    with pytest.raises(PermissionDenied) as exc:
        services.aftercare_plan_step_up(actor=cast.coordinator, plan=plan, reason="Relapse")
    assert str(exc.value) == "Only clinicians and admins step a client up to IOP."


def test_the_contact_service_refuses_a_component_no_longer_in_the_plan(cast, plan):
    component = plan.components.first()
    component.active = False
    component.save(update_fields=["active"])
    with pytest.raises(ValidationError) as exc:
        services.component_contact_log(actor=cast.coordinator, component=component, day=TODAY)
    assert exc.value.message_dict == {"component": ["No such component in this plan."]}


def test_the_aftercare_plan_is_seen_by_the_client_and_coordinators_up(cast):
    allowed = {
        role
        for role in ("client", "admin", "clinician", "coordinator", "front_desk", "outsider")
        if can_view_aftercare_plan(cast.person(role), cast.client)
    }
    assert allowed == {"client", "admin", "clinician", "coordinator"}
