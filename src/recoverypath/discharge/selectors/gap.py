"""The gap-in-care measure: days from graduation to the first attended aftercare contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Min, OuterRef, Subquery
from django.http import Http404

from recoverypath.accounts.models import Program

from ..models import DischargePlan, Referral
from ..permissions import can_view_gap_report

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

GAP_TARGET_DAYS = 7
GAP_PAGE_SIZE = 50  # rows per page of the gap report (page and API)


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
    *, user: User, program_id: int, since: date | None = None, until: date | None = None
) -> GapReport:
    """Every graduate of the program with their gap in care, worst first. Two queries.

    The gap is days from the last attended IOP session (fixed at graduation) to the first attended
    aftercare contact. Flagged: over GAP_TARGET_DAYS, or no contact yet. Raises Http404 when the
    user may not see the program's report.
    """
    if not can_view_gap_report(user, program_id):
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
