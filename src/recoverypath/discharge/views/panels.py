"""What discharge adds to other apps' pages: navigation, to-do items, the client page panel and
the client's home section."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from recoverypath.core import permissions
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.hooks.todo import TodoItem
from recoverypath.core.permissions import Rank
from recoverypath.core.timezones import local_today

from .. import selectors, sources
from ..models import DischargePlan, Referral
from ..permissions import can_view_discharge_plan

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def nav_items(request) -> list[NavItem]:
    user = request.user
    items = []
    if permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR):
        items.append(NavItem(_("Discharge"), reverse("discharge:plans"), order=40))
    if permissions.is_staff_member(user):
        items.append(NavItem(_("Providers"), reverse("discharge:providers"), order=45))
    return items


def todo_items(user: User) -> list[TodoItem]:
    """Open checklist items the user owns that are due within a week or overdue (2 queries)."""
    if not permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR):
        return []
    today = timezone.localdate()
    items = selectors.checklist_items_due_for_owner(user=user, today=today)
    return [
        TodoItem(
            label=f"Discharge: {item.get_kind_display()}",
            url=reverse("discharge:plan", kwargs={"plan_id": item.plan_id}),
            kind="discharge.checklist",
            priority="high" if item.due_date < today else "normal",
            due=timezone.make_aware(datetime.combine(item.due_date, time.min)),
            client_name=item.plan.client.display_name,
            client_id=item.plan.client_id,
        )
        for item in items
        if item.due_date is not None  # due within a week: never None here
    ]


def client_panel(request, client) -> str:
    if not can_view_discharge_plan(request.user, client) or permissions.is_client_user(
        request.user, client
    ):
        return ""
    plan = selectors.plan_for_client(client=client)
    referrals = selectors.referral_list_for_client(client=client)
    if plan is None and not referrals:
        return ""
    context = {"client": client, "plan": plan, "referrals": referrals}
    if plan is not None:
        context["readiness"] = selectors.plan_readiness(plan=plan)
        context["gap"] = selectors.gap_for_plan(plan=plan)
    return render_to_string("discharge/_client_panel.html", context, request=request)


def client_home_section(request, client) -> str:
    if not permissions.is_client_user(request.user, client):
        return ""
    plan = selectors.plan_for_client(client=client)
    if plan is None:
        return ""
    graduated = plan.status == DischargePlan.Status.GRADUATED
    context = {
        "client": client,
        "plan": plan,
        "readiness": selectors.plan_readiness(plan=plan, today=local_today(client.time_zone)),
        "referrals": [
            r
            for r in selectors.referral_list_for_client(client=client)
            if r.status in (Referral.Status.BOOKED, Referral.Status.ATTENDED)
        ],
        "summary": getattr(plan, "summary", None) if graduated else None,
        "aftercare_plan": sources.aftercare_plan_current(client=client) if graduated else None,
    }
    return render_to_string("discharge/_home_section.html", context, request=request)
