"""Aftercare plans: start (as at graduation), extend, step up to IOP, resume, complete."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recoverypath.clients.selectors import client_lock
from recoverypath.core.audit import Action
from recoverypath.core.errors import DomainError
from recoverypath.core.timezones import local_today

from ..models import (
    AftercarePlan,
    AftercarePlanChange,
    CoordinatorCheckIn,
    Goal,
)
from ..permissions import can_step_up_to_iop
from ..signals import plan_started
from .check_ins import checkin_at, forget_reminders, remind
from .components import component_build, testing_policy_for
from .shared import audit as _audit
from .shared import require_coordination as _require_coordination

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

Status = AftercarePlan.Status


def _history(plan: AftercarePlan, *, actor: User | None, from_status: str, note: str) -> None:
    AftercarePlanChange.objects.create(
        plan=plan, from_status=from_status, to_status=plan.status, note=note, actor=actor
    )


def _move(plan: AftercarePlan, to_status: str) -> str:
    from_status = plan.status
    if to_status not in AftercarePlan.ALLOWED_TRANSITIONS[from_status]:
        raise ValidationError(
            {"status": f"A {plan.get_status_display().lower()} plan cannot become {to_status}."}
        )
    plan.status = to_status
    return from_status


def aftercare_plan_start(
    *,
    actor: User,
    client: Client,
    episode=None,
    months: int | None = 3,
    start_date: date | None = None,
    end_date: date | None = None,
    coordinator=None,
    checkin_every_days: int = 14,
    components: list[dict[str, Any]] | None = None,
    goals: list[dict[str, Any]] | None = None,
    notes: str = "",
) -> AftercarePlan:
    """Open the client's aftercare plan (the discharge app calls this at graduation).

    1. 3 or 6 months from `start_date` (default the client's local today), or custom with an
       explicit `end_date`; the coordinator defaults to the client's coordinator;
    2. components (dicts of PlanComponent fields) and goals (description, target_date);
    3. the first coordinator check-in is scheduled `checkin_every_days` after the start;
    4. one audit event; ValidationError when an open plan already exists or values are wrong.
    """
    _require_coordination(actor, client)
    start = start_date or local_today(client.time_zone)
    if end_date is None:
        if not months or months < 1 or months > 24:
            raise ValidationError({"months": "Choose 1 to 24 months, or give an end date."})
        end_date = start + relativedelta(months=months)
    if end_date < start:
        raise ValidationError({"end_date": "The plan cannot end before it starts."})
    if not 1 <= checkin_every_days <= 60:
        raise ValidationError({"checkin_every_days": "Choose every 1 to 60 days."})
    length = {3: "3m", 6: "6m"}.get(months or 0, "custom")
    if not months or end_date != start + relativedelta(months=months):
        length = "custom"
    plan = AftercarePlan(
        client=client,
        program=client.program,
        episode=episode,
        coordinator=coordinator or client.coordinator,
        length=length,
        start_date=start,
        end_date=end_date,
        checkin_every_days=checkin_every_days,
        notes=notes,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            client_lock(client_id=client.pk)
            if AftercarePlan.objects.filter(
                client=client, status__in=AftercarePlan.OPEN_STATUSES
            ).exists():
                raise ValidationError({"client": "The client already has an open aftercare plan."})
            plan.save()
            _history(plan, actor=plan.created_by, from_status="", note="Plan started")
            plan_started.send(sender=AftercarePlan, plan=plan)
            for data in components or []:
                component = component_build(plan, data)
                component.save()
                testing_policy_for(actor, plan, component)
            for data in goals or []:
                Goal.objects.create(
                    plan=plan,
                    description=str(data["description"])[:300],
                    target_date=data.get("target_date"),
                )
            first = CoordinatorCheckIn.objects.create(
                plan=plan,
                client=client,
                coordinator=plan.coordinator,
                scheduled_at=checkin_at(plan, start + timedelta(days=checkin_every_days)),
            )
            remind(first)
            _audit(
                actor,
                plan,
                client,
                Action.CREATE,
                {"start_date": [None, str(start)], "end_date": [None, str(end_date)]},
            )
    except IntegrityError as exc:
        raise ValidationError({"client": "The client already has an open aftercare plan."}) from exc
    return plan


def aftercare_plan_extend(
    *, actor: User, plan: AftercarePlan, end_date: date, note: str = ""
) -> AftercarePlan:
    _require_coordination(actor, plan.client)
    if not plan.is_open:
        raise ValidationError({"status": "Only an open plan can be extended."})
    if end_date <= plan.end_date:
        raise ValidationError({"end_date": "Choose a date after the current end date."})
    with transaction.atomic():
        before = plan.end_date
        plan.end_date = end_date
        plan.length = AftercarePlan.Length.CUSTOM
        plan.save(update_fields=["end_date", "length", "updated_at"])
        _history(plan, actor=actor, from_status=plan.status, note=f"Extended to {end_date}. {note}")
        _audit(actor, plan, plan.client, Action.UPDATE, {"end_date": [str(before), str(end_date)]})
    return plan


def aftercare_plan_step_up(
    *,
    actor: User,
    plan: AftercarePlan,
    reason: str,
    placement_answers: dict[str, Any] | None = None,
    placement_override_reason: str = "",
):
    """Back to IOP: a new IOP episode (care.services) and the plan paused, in one transaction.
    Clinicians and admins only (care's rule). The move into IOP runs care's placement check:
    missing answers or an unexplained warning raise care's ValidationError. Returns the new
    episode."""
    from recoverypath.care import levels
    from recoverypath.care.selectors import episode_active
    from recoverypath.care.services import episode_start, episode_transition

    _require_coordination(actor, plan.client)
    if not can_step_up_to_iop(actor, plan.client):
        raise PermissionDenied("Only clinicians and admins step a client up to IOP.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the client steps up to IOP."})
    if plan.status != Status.ACTIVE:
        raise ValidationError({"status": "Only an active plan can step up."})
    with transaction.atomic():
        current = episode_active(client=plan.client, program=plan.program)
        if current is not None and current.level_code == levels.IOP:
            raise DomainError("The client already has an active IOP episode.", code="conflict")
        if current is not None:
            episode = episode_transition(
                actor=actor,
                episode=current,
                level_code=levels.IOP,
                reason=reason,
                placement_answers=placement_answers,
                placement_override_reason=placement_override_reason,
            )
        else:
            episode = episode_start(
                actor=actor,
                client=plan.client,
                program=plan.program,
                level_code=levels.IOP,
                transition_reason=reason,
                placement_answers=placement_answers,
                placement_override_reason=placement_override_reason,
            )
        from_status = _move(plan, Status.PAUSED)
        plan.save(update_fields=["status", "updated_at"])
        _history(plan, actor=actor, from_status=from_status, note=f"Stepped up to IOP: {reason}")
        _audit(actor, plan, plan.client, Action.UPDATE, {"status": [from_status, plan.status]})
    return episode


def aftercare_plan_resume(*, actor: User, plan: AftercarePlan, note: str = "") -> AftercarePlan:
    return _transition(actor=actor, plan=plan, to_status=Status.ACTIVE, note=note or "Resumed")


def aftercare_plan_complete(*, actor: User, plan: AftercarePlan, note: str = "") -> AftercarePlan:
    plan = _transition(actor=actor, plan=plan, to_status=Status.COMPLETED, note=note or "Completed")
    pending = CoordinatorCheckIn.objects.filter(
        plan=plan, status=CoordinatorCheckIn.Status.SCHEDULED
    )
    forget_reminders(list(pending))
    pending.update(status=CoordinatorCheckIn.Status.CANCELLED)
    return plan


def _transition(*, actor: User, plan: AftercarePlan, to_status: str, note: str) -> AftercarePlan:
    _require_coordination(actor, plan.client)
    with transaction.atomic():
        plan = AftercarePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
        from_status = _move(plan, to_status)
        plan.save(update_fields=["status", "updated_at"])
        _history(plan, actor=actor, from_status=from_status, note=note)
        _audit(actor, plan, plan.client, Action.UPDATE, {"status": [from_status, to_status]})
    return plan
