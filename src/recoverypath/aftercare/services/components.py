"""Plan components (what the client does in aftercare), their logged contacts, and goals with
progress notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from recoverypath.core.audit import Action, model_changes, snapshot
from recoverypath.core.modality import tags_check
from recoverypath.core.timezones import local_today

from .. import signals
from ..models import (
    AftercarePlan,
    ComponentContact,
    Goal,
    GoalProgressNote,
    PlanComponent,
)
from ..permissions import can_log_component_contact
from .shared import audit as _audit
from .shared import require_coordination as _require_coordination

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

COMPONENT_FIELDS = [
    "kind",
    "title",
    "frequency",
    "expected_per_week",
    "provider",
    "group_type",
    "meeting_schedule",
    "tags",
    "residence",
    "move_in_date",
    "prescriber",
    "next_visit",
    "details",
]


def component_build(plan: AftercarePlan, data: dict[str, Any]) -> PlanComponent:
    unknown = set(data) - set(COMPONENT_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    if "tags" in data:
        data = {**data, "tags": tags_check(data["tags"])}
    component = PlanComponent(plan=plan, **data)
    if component.expected_per_week is None:
        component.expected_per_week = Decimal(0)
    provider = data.get("provider")
    if provider is not None and provider.organization_id != plan.client.organization_id:
        raise ValidationError({"provider": "Choose a provider from your organization's directory."})
    component.full_clean(exclude=["plan"])
    return component


def testing_policy_for(actor: User, plan: AftercarePlan, component: PlanComponent) -> None:
    """A "Random testing" component starts the client's testing policy (testing app) at the
    component's rate, from the plan's start (not before today) to its end."""
    if component.kind != PlanComponent.Kind.RANDOM_TESTING:
        return
    from recoverypath.testing.services import policy_start_for_component

    policy_start_for_component(
        actor=actor,
        client=plan.client,
        plan_component_id=component.id,
        tests_per_week=component.expected_per_week,
        start_date=max(plan.start_date, local_today(plan.client.time_zone)),
        end_date=plan.end_date,
    )


def component_add(*, actor: User, plan: AftercarePlan, **data: Any) -> PlanComponent:
    _require_coordination(actor, plan.client)
    component = component_build(plan, data)
    with transaction.atomic():
        component.save()
        testing_policy_for(actor, plan, component)
        _audit(
            actor,
            component,
            plan.client,
            Action.CREATE,
            model_changes({}, snapshot(component, ["kind", "title", "expected_per_week"])),
        )
    return component


def component_contact_log(
    *, actor: User, component: PlanComponent, day: date, attended: bool = True, note: str = ""
) -> ComponentContact:
    """Log that a component happened (or was missed) on `day`; counts toward adherence. Only an
    active component takes contacts (ValidationError on `component`). A missed therapy session
    reaches the early-warning rules via `component_contact_logged`."""
    client = component.plan.client
    if not can_log_component_contact(actor, client):
        raise PermissionDenied("You cannot log contacts for this plan.")
    if not component.active:
        raise ValidationError({"component": "No such component in this plan."})
    if day > local_today(client.time_zone):
        raise ValidationError({"date": "The date cannot be in the future."})
    with transaction.atomic():
        contact = ComponentContact.objects.create(
            component=component, date=day, attended=attended, note=note[:500], recorded_by=actor
        )
        _audit(
            actor,
            contact,
            client,
            Action.CREATE,
            {"date": [None, str(day)], "attended": [None, attended]},
        )
        signals.component_contact_logged.send(ComponentContact, contact=contact)
    return contact


def goal_add(
    *, actor: User, plan: AftercarePlan, description: str, target_date: date | None = None
) -> Goal:
    _require_coordination(actor, plan.client)
    if not description.strip():
        raise ValidationError({"description": "Describe the goal."})
    if target_date and target_date < plan.start_date:
        raise ValidationError({"target_date": "The target date is before the plan starts."})
    with transaction.atomic():
        goal = Goal.objects.create(
            plan=plan, description=description.strip()[:300], target_date=target_date
        )
        _audit(actor, goal, plan.client, Action.CREATE, {"description": [None, goal.description]})
    return goal


def goal_progress_add(
    *, actor: User, goal: Goal, note: str, day: date | None = None, status: str | None = None
) -> GoalProgressNote:
    client = goal.plan.client
    _require_coordination(actor, client)
    if not note.strip():
        raise ValidationError({"note": "Write the progress note."})
    day = day or local_today(client.time_zone)
    if day > local_today(client.time_zone):
        raise ValidationError({"date": "The date cannot be in the future."})
    with transaction.atomic():
        entry = GoalProgressNote.objects.create(
            goal=goal, date=day, note=note.strip(), author=actor
        )
        changes: dict[str, Any] = {"note": [None, entry.note[:80]]}
        if status and status != goal.status:
            if status not in Goal.Status.values:
                raise ValidationError({"status": "Choose a goal status."})
            changes["status"] = [goal.status, status]
            goal.status = status
            goal.save(update_fields=["status", "updated_at"])
        _audit(actor, entry, client, Action.CREATE, changes)
    return entry
