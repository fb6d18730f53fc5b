"""Reads of discharge plans: scoped lists and lookups, checklist items, readiness."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.permissions import Rank
from recoverypath.core.timezones import local_today

from .. import sources
from ..models import ChecklistItem, DischargePlan
from ..permissions import can_view_discharge_plan

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

# Plans ------------------------------------------------------------------------------------------


def plan_queryset_for_user(*, user: User) -> QuerySet[DischargePlan]:
    """Plans `user` may see: coordinators and above by program, a client only their own."""
    if not user.is_authenticated or not user.is_active:
        return DischargePlan.objects.none()
    scope = Q(client__user_id=user.id)
    program_ids = permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR)
    if program_ids:
        scope |= Q(program_id__in=program_ids)
    return DischargePlan.objects.filter(scope).select_related(
        "client", "client__program", "client__coordinator", "program", "episode", "owner"
    )


def plan_with_items(qs: QuerySet[DischargePlan]) -> QuerySet[DischargePlan]:
    return qs.prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.select_related("owner", "completed_by"))
    )


def plan_get(*, user: User, plan_id: int, audit: bool = True) -> DischargePlan:
    """The plan if `user` may see it (an audited read), else Http404."""
    plan = plan_with_items(plan_queryset_for_user(user=user)).filter(pk=plan_id).first()
    if plan is None or not can_view_discharge_plan(user, plan.client):
        raise Http404("No such discharge plan.")
    if audit:
        audit_record(
            actor=user,
            action=Action.READ,
            obj=plan,
            client_id=plan.client_id,
            organization_id=plan.organization_id,
        )
    return plan


def checklist_item_get(*, user: User, item_id: int) -> ChecklistItem:
    """The checklist item if `user` may see its plan (an audited read of the plan), else Http404."""
    item = (
        ChecklistItem.objects.filter(pk=item_id, plan__in=plan_queryset_for_user(user=user))
        .select_related("plan", "plan__client", "plan__program")
        .first()
    )
    if item is None or not can_view_discharge_plan(user, item.plan.client):
        raise Http404("No such checklist item.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=item.plan,
        client_id=item.plan.client_id,
        organization_id=item.plan.organization_id,
    )
    return item


def checklist_items_due_for_owner(
    *, user: User, today: date, within_days: int = 7, limit: int = 50
) -> QuerySet[ChecklistItem]:
    """Open items of open plans that `user` owns, due by `today + within_days` (or overdue),
    soonest first, with their plan and client (one query)."""
    return (
        ChecklistItem.objects.filter(
            owner=user,
            status=ChecklistItem.Status.OPEN,
            plan__status=DischargePlan.Status.OPEN,
            due_date__lte=today + timedelta(days=within_days),
        )
        .select_related("plan__client")
        .order_by("due_date")[:limit]
    )


def plan_for_client(*, client, statuses: tuple[str, ...] | None = None) -> DischargePlan | None:
    """The client's current plan: the open one, else the most recent graduated one."""
    qs = plan_with_items(
        DischargePlan.objects.filter(client=client).select_related("program", "episode", "owner")
    )
    if statuses:
        qs = qs.filter(status__in=statuses)
    plans = list(qs.order_by("-created_at", "-id")[:5])
    for plan in plans:
        if plan.status == DischargePlan.Status.OPEN:
            return plan
    return next((p for p in plans if p.status == DischargePlan.Status.GRADUATED), None)


def plan_list(
    *, user: User, program_id: int | None = None, status: str = DischargePlan.Status.OPEN
) -> QuerySet[DischargePlan]:
    """Plans for the staff list, soonest graduation first, items prefetched (fixed queries)."""
    program_ids = permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR)
    qs = plan_with_items(
        DischargePlan.objects.filter(program_id__in=program_ids).select_related(
            "client", "program", "owner"
        )
    )
    if program_id:
        qs = qs.filter(program_id=program_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("target_graduation_date", "id")


# Readiness --------------------------------------------------------------------------------------


@dataclass
class Readiness:
    missing: list[ChecklistItem] = field(default_factory=list)
    done: list[ChecklistItem] = field(default_factory=list)
    optional_open: list[ChecklistItem] = field(default_factory=list)
    days_left: int = 0
    overdue: list[ChecklistItem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.done) + len(self.optional_open)


def item_is_required(item: ChecklistItem, *, safety_required: bool | None = None) -> bool:
    """Required items block graduation; the safety plan is required when risk says so."""
    if item.kind == ChecklistItem.Kind.SAFETY_PLAN and safety_required:
        return True
    return item.required


def plan_readiness(
    *, plan: DischargePlan, today: date | None = None, safety_required: bool | None = None
) -> Readiness:
    """What is missing before graduation and how many days are left (negative when late).

    `safety_required` defaults to asking the safety app whether the client needs a safety plan.
    """
    today = today or local_today(plan.program.time_zone)
    if safety_required is None:
        safety_required = sources.safety_plan_required(client=plan.client)
    readiness = Readiness(days_left=(plan.target_graduation_date - today).days)
    for item in plan.items.all():
        if item.status != ChecklistItem.Status.OPEN:
            readiness.done.append(item)
        elif item_is_required(item, safety_required=safety_required):
            readiness.missing.append(item)
            if item.due_date and item.due_date < today:
                readiness.overdue.append(item)
        else:
            readiness.optional_open.append(item)
    return readiness


def plans_due_for_alert(*, today: date, within_days: int = 14) -> QuerySet[DischargePlan]:
    """Open plans graduating within `within_days` (or overdue) that still have items open."""
    return (
        DischargePlan.objects.filter(
            status=DischargePlan.Status.OPEN,
            target_graduation_date__lte=today + timedelta(days=within_days),
            items__status=ChecklistItem.Status.OPEN,
        )
        .distinct()
        .select_related("client", "program")
        .prefetch_related("items")
    )


# Referrals and providers ------------------------------------------------------------------------
