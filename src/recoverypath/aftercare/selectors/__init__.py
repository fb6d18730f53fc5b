"""Reads for aftercare: plans, adherence per component (in a fixed number of queries for a whole
page of plans), goals, coordinator check-ins, the provider directory."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from recoverypath.clients.models import Client, SupportContact
from recoverypath.clients.selectors import client_queryset_for_user
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.hooks.appointments import ClientAppointment
from recoverypath.core.modality import Modality
from recoverypath.core.params import Reach
from recoverypath.core.timezones import local_today

from ..models import (
    AftercarePlan,
    AftercarePlanChange,
    ComponentContact,
    CoordinatorCheckIn,
    ExternalProvider,
    Goal,
    GoalProgressNote,
    HelpRequest,
    PlanComponent,
    SupportPreferences,
)
from ..permissions import can_view_aftercare_plan

# Re-exported: adherence is read through the app's selectors like the rest.
from .adherence import ADHERENCE_DAYS as ADHERENCE_DAYS
from .adherence import ComponentAdherence as ComponentAdherence
from .adherence import PlanAdherence as PlanAdherence
from .adherence import adherence_for_plans as adherence_for_plans

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def plan_current(*, client: Client) -> AftercarePlan | None:
    """The client's open (active or paused) plan, if any."""
    return (
        AftercarePlan.objects.filter(client=client, status__in=AftercarePlan.OPEN_STATUSES)
        .select_related("coordinator", "program")
        .first()
    )


def plans_for_client(*, client: Client) -> list[AftercarePlan]:
    """Every aftercare plan of the client, oldest first, with components (and their providers)
    and goals loaded: what an export of the client's record needs (interop)."""
    return list(
        AftercarePlan.objects.filter(client=client)
        .select_related("program", "coordinator")
        .prefetch_related("components__provider", "goals")
        .order_by("start_date", "id")
    )


def check_ins_for_client(*, client: Client) -> QuerySet[CoordinatorCheckIn]:
    """Every coordinator check-in of the client, oldest first (calendar feeds, exports)."""
    return (
        CoordinatorCheckIn.objects.filter(plan__client=client)
        .select_related("plan", "plan__program", "coordinator")
        .order_by("scheduled_at", "id")
    )


def check_ins_for_coordinator(*, user: User) -> QuerySet[CoordinatorCheckIn]:
    """Every check-in `user` holds as coordinator, oldest first (their calendar feed)."""
    return (
        CoordinatorCheckIn.objects.filter(coordinator=user)
        .select_related("plan", "plan__program")
        .order_by("scheduled_at", "id")
    )


def plan_get(*, user: User, plan_id: int, audit: bool = True) -> AftercarePlan:
    plan = (
        AftercarePlan.objects.filter(client__in=client_queryset_for_user(user=user), pk=plan_id)
        .select_related("client", "client__program", "program", "coordinator", "episode")
        .first()
    )
    if plan is None or not permissions.can_view_client(user, plan.client):
        raise Http404("No such plan.")
    if not can_view_aftercare_plan(user, plan.client):
        raise PermissionDenied("Aftercare plans are for coordinators and clinicians.")
    if audit:
        audit_record(
            actor=user,
            action=Action.READ,
            obj=plan,
            client_id=plan.client_id,
            organization_id=plan.client.organization_id,
        )
    return plan


def plan_list(
    *, user: User, client_id: int | None = None, status: str = ""
) -> QuerySet[AftercarePlan]:
    """Plans of the clients in the programs where `user` coordinates (coordinators, clinicians,
    admins), newest first, with the client and coordinator joined in. Empty for everyone else."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    qs = AftercarePlan.objects.filter(client__program_id__in=program_ids).select_related(
        "client", "program", "coordinator"
    )
    if client_id:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-start_date", "-id")


def plan_list_own(*, user: User) -> QuerySet[AftercarePlan] | None:
    """The caller's own plans, newest first, when the caller is a client with a login; None for
    everyone else (staff read through `plan_list`)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not Client.objects.filter(user_id=user.id).exists():
        return None
    return (
        AftercarePlan.objects.filter(client__user_id=user.id)
        .select_related("client", "program", "coordinator")
        .order_by("-start_date", "-id")
    )


def provider_queryset_for_user(*, user: User) -> QuerySet[ExternalProvider]:
    from recoverypath.accounts.models import Program

    org_ids = Program.objects.filter(id__in=permissions.staff_program_ids(user)).values(
        "organization_id"
    )
    return ExternalProvider.objects.filter(organization_id__in=org_ids)


# What a provider id in a request body may name: the providers of the caller's organizations.
PROVIDERS = Reach(ExternalProvider, lambda user: provider_queryset_for_user(user=user))
# What a plan component id may name: components of the plans of the clients the caller may see.
COMPONENTS = Reach(
    PlanComponent,
    lambda user: PlanComponent.objects.filter(plan__client__in=client_queryset_for_user(user=user)),
)


def check_ins_upcoming(*, plan: AftercarePlan) -> QuerySet[CoordinatorCheckIn]:
    return plan.check_ins.filter(status=CoordinatorCheckIn.Status.SCHEDULED).order_by(
        "scheduled_at"
    )


def check_ins_past(*, plan: AftercarePlan) -> QuerySet[CoordinatorCheckIn]:
    return plan.check_ins.exclude(status=CoordinatorCheckIn.Status.SCHEDULED).order_by(
        "-scheduled_at"
    )


def goal_get(*, plan: AftercarePlan, goal_id: int) -> Goal:
    """One goal of `plan` (the caller has checked access to the plan); Http404 otherwise."""
    goal = Goal.objects.filter(plan=plan, pk=goal_id).first()
    if goal is None:
        raise Http404("No such goal in this plan.")
    return goal


def check_in_get(*, plan: AftercarePlan, check_in_id: int) -> CoordinatorCheckIn:
    """One coordinator check-in of `plan`; Http404 otherwise."""
    item = CoordinatorCheckIn.objects.filter(plan=plan, pk=check_in_id).first()
    if item is None:
        raise Http404("No such check-in in this plan.")
    return item


def support_groups(*, plan: AftercarePlan | None) -> list[PlanComponent]:
    """The plan's active support-group components (the client's "my meetings")."""
    if plan is None:
        return []
    return list(plan.components.filter(kind=PlanComponent.Kind.SUPPORT_GROUP, active=True))


def support_preferences_get(*, client: Client) -> SupportPreferences | None:
    return SupportPreferences.objects.filter(client=client).first()


def textable_contacts(*, client: Client) -> QuerySet[SupportContact]:
    """The client's support contacts who can be texted when they ask for help."""
    return client.support_contacts.exclude(phone="").order_by("name", "id")


def help_request_get(*, client: Client, request_id: int) -> HelpRequest | None:
    """The client's own help request (None if it is not theirs)."""
    return HelpRequest.objects.filter(client=client, pk=request_id).first()


def coordinator_check_in_outcome(*, client: Client, check_in_id: int) -> tuple[date, str] | None:
    """(local day, status) of one of the client's coordinator check-ins, or None when it is not
    theirs (incentives reads this to reward check-ins kept)."""
    item = CoordinatorCheckIn.objects.filter(client=client, pk=check_in_id).first()
    if item is None:
        return None
    zone = ZoneInfo(client.program.time_zone)
    return item.scheduled_at.astimezone(zone).date(), item.status


# Reads for earlywarning (its rules, clearing checks, dashboard and timeline) and discharge.

OPEN_PLAN_STATUSES = AftercarePlan.OPEN_STATUSES


def plan_status_choices() -> list[tuple[str, str]]:
    """(value, label) of every plan status, in the order the model declares them."""
    return [(s.value, s.label) for s in AftercarePlan.Status]


def plans_empty() -> QuerySet[AftercarePlan]:
    """No plans: what an API view names as its queryset for the schema (it reads through
    the selectors above)."""
    return AftercarePlan.objects.none()


def plans_open_in_programs(*, program_ids: set[int]) -> QuerySet[AftercarePlan]:
    """Open (active or paused) plans of the clients of these programs, client and coordinator
    joined in; the caller scopes `program_ids` to the acting user."""
    return AftercarePlan.objects.filter(
        status__in=AftercarePlan.OPEN_STATUSES, client__program_id__in=program_ids
    ).select_related("client", "coordinator")


def plans_active() -> QuerySet[AftercarePlan]:
    """Every active plan with its client (the nightly early-warning rules run over them)."""
    return AftercarePlan.objects.filter(status=AftercarePlan.Status.ACTIVE).select_related("client")


def plans_by_id(*, plan_ids: set[int]) -> dict[int, AftercarePlan]:
    """{id: plan} with the client joined in, for the plans named (one query)."""
    return {p.id: p for p in AftercarePlan.objects.filter(id__in=plan_ids).select_related("client")}


def plan_is_active(plan: AftercarePlan) -> bool:
    return plan.status == AftercarePlan.Status.ACTIVE


def plan_has_started(plan: AftercarePlan, *, today: date | None = None) -> bool:
    """Whether the plan's first day has come in the client's zone (`today`: the client's local
    today, computed when not given). A plan drafted before graduation starts later: no
    aftercare rule runs on it before then."""
    return plan.start_date <= (today or local_today(plan.client.time_zone))


def check_in_is_missed(check_in: CoordinatorCheckIn) -> bool:
    return check_in.status == CoordinatorCheckIn.Status.MISSED


def component_is_therapy(component: PlanComponent) -> bool:
    return component.kind == PlanComponent.Kind.THERAPY


def check_in_next_subquery(*, client_id: OuterRef, since: datetime) -> Subquery:
    """When the next scheduled coordinator check-in (from `since`) of the client named by
    `client_id` (an OuterRef) is, as a subquery to annotate a list with."""
    return Subquery(
        CoordinatorCheckIn.objects.filter(
            client_id=client_id,
            status=CoordinatorCheckIn.Status.SCHEDULED,
            scheduled_at__gte=since,
        )
        .order_by()
        .values("client_id")
        .annotate(m=Min("scheduled_at"))
        .values("m")[:1]
    )


def check_ins_since(*, client: Client, since: date) -> QuerySet[CoordinatorCheckIn]:
    """The client's coordinator check-ins scheduled from `since` on (the timeline)."""
    return CoordinatorCheckIn.objects.filter(client=client, scheduled_at__date__gte=since)


def contacts_since(*, client: Client, since: date) -> QuerySet[ComponentContact]:
    """Logged component contacts of the client's plans from `since` on, with the component."""
    return ComponentContact.objects.filter(
        component__plan__client=client, date__gte=since
    ).select_related("component")


def goal_notes_since(*, client: Client, since: date) -> QuerySet[GoalProgressNote]:
    """Progress notes on the goals of the client's plans from `since` on, with the goal."""
    return GoalProgressNote.objects.filter(
        goal__plan__client=client, date__gte=since
    ).select_related("goal")


def plan_changes_for_client(*, client: Client) -> QuerySet[AftercarePlanChange]:
    """Every status change of the client's plans, oldest first."""
    return AftercarePlanChange.objects.filter(plan__client=client)


PROVIDER_KINDS = list(ExternalProvider.Kind.values)


def provider_kind_choices() -> list[tuple[str, str]]:
    """(value, label) of every kind of external provider."""
    return list(ExternalProvider.Kind.choices)


def providers_empty() -> QuerySet[ExternalProvider]:
    """No providers: what an API view names as its queryset for the schema (it reads through
    the selectors above)."""
    return ExternalProvider.objects.none()


def coordinator_check_in_for_reminder(*, check_in_id: int) -> CoordinatorCheckIn | None:
    """One coordinator check-in with its plan and client (the reminder worker's last look)."""
    return (
        CoordinatorCheckIn.objects.select_related("plan", "client").filter(pk=check_in_id).first()
    )


# How long a coordinator check-in is taken to last (calendar feeds, the client's home).
CHECK_IN_MINUTES = 30


def client_next_check_in(client: Client, now: datetime, /) -> ClientAppointment | None:
    """The client's earliest scheduled coordinator check-in not yet over at `now`: one query."""
    item = (
        CoordinatorCheckIn.objects.filter(
            client=client,
            status=CoordinatorCheckIn.Status.SCHEDULED,
            scheduled_at__gt=now - timedelta(minutes=CHECK_IN_MINUTES),
        )
        .order_by("scheduled_at", "id")
        .first()
    )
    if item is None:
        return None
    return ClientAppointment(
        title=str(_("Check-in with your coordinator")),
        starts_at=item.scheduled_at,
        ends_at=item.scheduled_at + timedelta(minutes=CHECK_IN_MINUTES),
        modality=item.modality,
        join_url=item.join_url if item.modality == Modality.VIDEO else "",
        call_details=item.call_details,
    )
