"""Reads for contingency management: the client's earnings, what comes next, their awards and
redemptions, and the program's schedule."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, QuerySet

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client
from recoverypath.core import permissions
from recoverypath.core.timezones import local_today

from . import schedule as math
from .models import Award, Behaviour, ClientLedger, Redemption, RewardSchedule
from .permissions import can_read_rewards

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def reward_schedule_active_exists(*, program_id: int) -> Exists:
    """An expression: the program has an active reward schedule (to annotate on a query the
    caller runs anyway)."""
    return Exists(RewardSchedule.objects.filter(program_id=program_id, active=True))


def schedule_for(*, program_id: int) -> RewardSchedule | None:
    return RewardSchedule.objects.filter(program_id=program_id).first()


@dataclass(frozen=True)
class NextReward:
    behaviour: str
    label: str
    amount: Decimal | None  # escalating: the next payment
    draws: int | None  # fishbowl: the next number of draws


@dataclass
class RewardSummary:
    schedule: RewardSchedule | None
    earned_in_year: Decimal
    earned_total: Decimal
    redeemed_total: Decimal
    balance: Decimal
    cap: Decimal
    cap_left: Decimal
    next_rewards: list[NextReward]
    awards: list[Award]
    redemptions: list[Redemption]

    @property
    def active(self) -> bool:
        return self.schedule is not None and self.schedule.active


def client_summary(*, user: User, client: Client, limit: int = 20) -> RewardSummary:
    """Everything the client's rewards page shows; PermissionDenied for anyone else than the
    client and their program's coordinators and above. 4 queries."""
    if not can_read_rewards(user, client):
        raise PermissionDenied
    plan = schedule_for(program_id=client.program_id)
    ledger = ClientLedger.objects.filter(client=client).first()
    year = local_today(client.program.time_zone).year
    earned_in_year = Decimal("0")
    if ledger is not None and ledger.year == year:
        earned_in_year = ledger.earned_in_year
    cap = plan.yearly_cap if plan is not None else Decimal("0")
    next_rewards = []
    if plan is not None and plan.active:
        snapshot = plan.snapshot()
        state = ledger.state if ledger is not None else {}
        for code in plan.behaviours:
            level = math.Streak.from_dict(state.get(code)).level
            fishbowl = plan.style == RewardSchedule.Style.FISHBOWL
            next_rewards.append(
                NextReward(
                    behaviour=code,
                    label=Behaviour(code).label,
                    amount=None if fishbowl else math.escalating_amount(level, snapshot),
                    draws=math.draws_for(level, snapshot) if fishbowl else None,
                )
            )
    earned_total = ledger.earned_total if ledger else Decimal("0")
    redeemed_total = ledger.redeemed_total if ledger else Decimal("0")
    return RewardSummary(
        schedule=plan,
        earned_in_year=earned_in_year,
        earned_total=earned_total,
        redeemed_total=redeemed_total,
        balance=earned_total - redeemed_total,
        cap=cap,
        cap_left=max(cap - earned_in_year, Decimal("0")),
        next_rewards=next_rewards,
        awards=list(Award.objects.filter(client=client)[:limit]),
        redemptions=list(Redemption.objects.filter(client=client)[:limit]),
    )


def award_queryset_for_user(*, user: User) -> QuerySet[Award]:
    """Awards of clients in programs where `user` coordinates, or the user's own."""
    from recoverypath.clients.selectors import client_for_user_account

    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    qs = Award.objects.filter(program_id__in=program_ids)
    if not program_ids:
        own = client_for_user_account(user=user)
        qs = Award.objects.filter(client_id=own.id) if own is not None else Award.objects.none()
    return qs.select_related("client").order_by("-created_at", "-id")


def configurable_programs(*, user: User) -> QuerySet[Program]:
    ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.CLINICIAN)
    return Program.objects.filter(id__in=ids).order_by("name")
