"""Reads for discharge planning: plans, readiness, referrals, providers and the gap measure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from recoverypath.accounts.models import Program
from recoverypath.aftercare.models import ExternalProvider
from recoverypath.aftercare.selectors import provider_queryset_for_user
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.params import Reach
from recoverypath.core.permissions import Rank
from recoverypath.core.timezones import local_today

from . import rules, sources
from .models import ChecklistItem, DischargePlan, DischargeSummary, Referral

GAP_TARGET_DAYS = 7
GAP_PAGE_SIZE = 50  # rows per page of the gap report (page and API)


# Plans ------------------------------------------------------------------------------------------


def plan_queryset_for_user(*, user) -> QuerySet[DischargePlan]:
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


def _with_items(qs: QuerySet[DischargePlan]) -> QuerySet[DischargePlan]:
    return qs.prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.select_related("owner", "completed_by"))
    )


def plan_get(*, user, plan_id: int, audit: bool = True) -> DischargePlan:
    """The plan if `user` may see it (an audited read), else Http404."""
    plan = _with_items(plan_queryset_for_user(user=user)).filter(pk=plan_id).first()
    if plan is None or not rules.can_view_plan(user, plan.client):
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


def checklist_item_get(*, user, item_id: int) -> ChecklistItem:
    """The checklist item if `user` may see its plan (an audited read of the plan), else Http404."""
    item = (
        ChecklistItem.objects.filter(pk=item_id, plan__in=plan_queryset_for_user(user=user))
        .select_related("plan", "plan__client", "plan__program")
        .first()
    )
    if item is None or not rules.can_view_plan(user, item.plan.client):
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
    *, user, today: date, within_days: int = 7, limit: int = 50
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
    qs = _with_items(
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
    *, user, program_id: int | None = None, status: str = DischargePlan.Status.OPEN
) -> QuerySet[DischargePlan]:
    """Plans for the staff list, soonest graduation first, items prefetched (fixed queries)."""
    program_ids = permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR)
    qs = _with_items(
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


def referral_queryset_for_user(*, user) -> QuerySet[Referral]:
    program_ids = permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR)
    return Referral.objects.filter(client__program_id__in=program_ids).select_related(
        "client", "provider", "plan"
    )


# What a referral id in a request body may name: referrals of the caller's clients (coordinator up).
REFERRALS = Reach(Referral, lambda user: referral_queryset_for_user(user=user))


def referral_get(*, user, referral_id: int) -> Referral:
    referral = referral_queryset_for_user(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404("No such referral.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=referral,
        client_id=referral.client_id,
        organization_id=referral.organization_id,
    )
    return referral


def referral_queryset_for_client(*, client) -> QuerySet[Referral]:
    """The client's referrals with their provider, newest first (for pickers: a queryset)."""
    return (
        Referral.objects.filter(client=client)
        .select_related("provider")
        .order_by("-sent_at", "-id")
    )


def referral_list_for_client(*, client) -> list[Referral]:
    return list(referral_queryset_for_client(client=client))


def provider_list(
    *,
    user,
    kind: str = "",
    search: str = "",
    telehealth: bool | None = None,
    accepting: bool | None = None,
) -> QuerySet[ExternalProvider]:
    qs = provider_queryset_for_user(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    for word in search.split()[:4]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(services__icontains=word)
            | Q(address__icontains=word)
            | Q(accepted_insurance__icontains=word)
        )
    if telehealth is not None:
        qs = qs.filter(telehealth=telehealth)
    if accepting is not None:
        qs = qs.filter(accepting_new_clients=accepting)
    return qs.order_by("name", "id")


def provider_get(*, user, provider_id: int) -> ExternalProvider:
    provider = provider_queryset_for_user(user=user).filter(pk=provider_id).first()
    if provider is None:
        raise Http404("No such provider.")
    return provider


# Summary ----------------------------------------------------------------------------------------


def summaries_for_client(*, client) -> list[DischargeSummary]:
    """The client's discharge summaries, oldest first (exports; interop)."""
    return list(
        DischargeSummary.objects.filter(plan__client=client)
        .select_related("plan", "plan__program", "signed_by")
        .order_by("generated_at", "id")
    )


def summary_get(*, user, summary_id: int) -> DischargeSummary:
    summary = (
        DischargeSummary.objects.select_related(
            "plan", "plan__client", "plan__program", "signed_by"
        )
        .filter(pk=summary_id, plan__in=plan_queryset_for_user(user=user))
        .first()
    )
    if summary is None or not rules.can_view_plan(user, summary.plan.client):
        raise Http404("No such discharge summary.")
    if permissions.is_client_user(user, summary.plan.client) and not summary.is_signed:
        raise Http404("No such discharge summary.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=summary,
        client_id=summary.plan.client_id,
        organization_id=summary.plan.organization_id,
    )
    return summary


# Gap in care ------------------------------------------------------------------------------------


@dataclass
class GapRow:
    plan: DischargePlan
    last_iop_session_on: date | None
    first_aftercare_contact_on: date | None

    @property
    def gap_days(self) -> int | None:
        if self.first_aftercare_contact_on is None or self.last_iop_session_on is None:
            return None
        return (self.first_aftercare_contact_on - self.last_iop_session_on).days

    @property
    def no_contact(self) -> bool:
        return self.first_aftercare_contact_on is None

    @property
    def flagged(self) -> bool:
        return self.no_contact or (self.gap_days is not None and self.gap_days > GAP_TARGET_DAYS)

    @property
    def client(self):
        return self.plan.client


@dataclass
class GapReport:
    program: Program
    rows: list[GapRow]

    @property
    def graduates(self) -> int:
        return len(self.rows)

    @property
    def within_target(self) -> int:
        return sum(1 for r in self.rows if not r.flagged)

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.rows if r.flagged)

    @property
    def no_contact(self) -> int:
        return sum(1 for r in self.rows if r.no_contact)

    @property
    def median_gap(self) -> float | None:
        gaps = sorted(r.gap_days for r in self.rows if r.gap_days is not None)
        if not gaps:
            return None
        mid = len(gaps) // 2
        return float(gaps[mid]) if len(gaps) % 2 else (gaps[mid - 1] + gaps[mid]) / 2


def _first_contact_subqueries():
    """Earliest attended aftercare contact on or after graduation: a referral's first appointment
    attended, an aftercare plan component attended (therapy, meeting) or a coordinator check-in."""
    from recoverypath.aftercare.models import ComponentContact, CoordinatorCheckIn

    referral = (
        Referral.objects.filter(
            client_id=OuterRef("client_id"),
            status=Referral.Status.ATTENDED,
            attended_on__gte=OuterRef("graduated_on"),
        )
        .order_by()
        .values("client_id")
        .annotate(first=Min("attended_on"))
        .values("first")
    )
    component = (
        ComponentContact.objects.filter(
            component__plan__client_id=OuterRef("client_id"),
            attended=True,
            date__gte=OuterRef("graduated_on"),
        )
        .order_by()
        .values("component__plan__client_id")
        .annotate(first=Min("date"))
        .values("first")
    )
    check_in = (
        CoordinatorCheckIn.objects.filter(
            client_id=OuterRef("client_id"),
            status=CoordinatorCheckIn.Status.ATTENDED,
            scheduled_at__gte=OuterRef("graduated_at"),
        )
        .order_by()
        .values("client_id")
        .annotate(first=Min("scheduled_at"))
        .values("first")
    )
    return {
        "referral_first": Subquery(referral),
        "component_first": Subquery(component),
        "check_in_first": Subquery(check_in),
    }


def _first_contact(plan, zone: ZoneInfo) -> date | None:
    days = []
    for name in ("referral_first", "component_first", "check_in_first"):
        value = getattr(plan, name, None) if not isinstance(plan, dict) else plan.get(name)
        if value is None:
            continue
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        elif isinstance(value, str):
            value = date.fromisoformat(value[:10])
        days.append(value)
    return min(days) if days else None


def gap_report(
    *, user, program_id: int, since: date | None = None, until: date | None = None
) -> GapReport:
    """Every graduate of the program with their gap in care, worst first. Two queries.

    The gap is days from the last attended IOP session (fixed at graduation) to the first attended
    aftercare contact. Flagged: over GAP_TARGET_DAYS, or no contact yet. Raises Http404 when the
    user may not see the program's report.
    """
    if not rules.can_view_gap_report(user, program_id):
        raise Http404("No such program.")
    program = Program.objects.get(pk=program_id)
    zone = ZoneInfo(program.time_zone)
    qs = (
        DischargePlan.objects.filter(program_id=program_id, status=DischargePlan.Status.GRADUATED)
        .select_related("client", "owner")
        .annotate(**_first_contact_subqueries())
    )
    if since:
        qs = qs.filter(graduated_on__gte=since)
    if until:
        qs = qs.filter(graduated_on__lte=until)
    rows = []
    for plan in qs.order_by("-graduated_on", "id"):
        rows.append(
            GapRow(
                plan=plan,
                last_iop_session_on=plan.last_iop_session_on or plan.graduated_on,
                first_aftercare_contact_on=_first_contact(plan, zone),
            )
        )
    rows.sort(key=lambda r: (not r.no_contact, -(r.gap_days or 0), r.plan.graduated_on or date.min))
    return GapReport(program=program, rows=rows)


def gap_for_plan(*, plan: DischargePlan) -> GapRow | None:
    """The gap measure for one graduate (None before graduation)."""
    if plan.status != DischargePlan.Status.GRADUATED:
        return None
    subqueries = _first_contact_subqueries()
    row = (
        DischargePlan.objects.filter(pk=plan.pk).annotate(**subqueries).values(*subqueries).first()
    )
    return GapRow(
        plan=plan,
        last_iop_session_on=plan.last_iop_session_on or plan.graduated_on,
        first_aftercare_contact_on=_first_contact(row or {}, ZoneInfo(plan.program.time_zone)),
    )
