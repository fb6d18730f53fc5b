"""Writes for contingency management: the program's schedule, awards (verified, capped,
audited, reproducible) and redemptions. Awards and redemptions lock the client's ledger row, so
two awards at the same moment cannot both fit under the yearly cap."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.params import NOT_FOUND
from recoverypath.core.timezones import local_today

from . import schedule as math
from . import sources
from .models import Award, Behaviour, ClientLedger, Redemption, RewardSchedule
from .permissions import can_award_rewards, can_configure_rewards, can_record_redemption

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User
    from recoverypath.clients.models import Client

SCHEDULE_FIELDS = (
    "active",
    "style",
    "behaviours",
    "base_amount",
    "increment",
    "max_amount",
    "restore_after",
    "draws_base",
    "draws_increment",
    "draws_max",
    "prizes",
    "yearly_cap",
)


def _prizes_well_formed(prizes: Any) -> bool:
    """A list of prizes, each with a label, an amount and a weight."""
    return isinstance(prizes, list) and all(
        isinstance(p, dict) and {"label", "amount", "weight"} <= set(p) for p in prizes
    )


def schedule_configure(*, actor: User, program: Program, **values: Any) -> RewardSchedule:
    """Create or change the program's schedule (clinicians and admins). ValidationError on bad
    values; the change is audited with its before and after."""
    if not can_configure_rewards(actor, program.id):
        raise PermissionDenied("The reward schedule is set by the program's clinicians and admins.")
    unknown = set(values) - set(SCHEDULE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if "prizes" in values and not _prizes_well_formed(values["prizes"]):
        raise ValidationError({"prizes": "Each prize needs a label, an amount and a weight."})
    with transaction.atomic():
        item = RewardSchedule.objects.select_for_update().filter(program=program).first()
        created = item is None
        if item is None:
            item = RewardSchedule(program=program)
        before = item.snapshot() | {"behaviours": list(item.behaviours or [])}
        for name, value in values.items():
            setattr(item, name, value)
        item.updated_by = actor
        item.full_clean(exclude=["program"])
        item.save()
        after = item.snapshot() | {"behaviours": list(item.behaviours)}
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=item,
            organization_id=program.organization_id,
            changes={"before": None if created else before, "after": after},
        )
    return item


def _ledger_locked(client: Client, year: int) -> ClientLedger:
    """The client's ledger row, locked until the transaction ends; made on first use (two
    first uses at once: one insert wins, the other reads it)."""
    try:
        with transaction.atomic():
            ClientLedger.objects.get_or_create(client=client, defaults={"year": year})
    except IntegrityError:
        pass
    ledger = ClientLedger.objects.select_for_update().get(client=client)
    if ledger.year != year:
        ledger.year = year
        ledger.earned_in_year = Decimal("0")
    return ledger


def award_record(
    *, actor: User | None, client: Client, behaviour: str, source_id: int
) -> Award | None:
    """Reward (or reset the streak for) one verified behaviour of the client: verified through
    the owning app's selectors, paid per the program's schedule, cut to the yearly cap, once per
    source. Returns None when the program rewards no such behaviour or the source is neither met
    nor missed (pending, excused); the existing award when it was already recorded."""
    if not can_award_rewards(actor, client):
        raise PermissionDenied("Rewards are given by the client's coordinators and clinicians.")
    if behaviour not in Behaviour.values:
        raise ValidationError(f"Unknown behaviour {behaviour!r}.")
    plan = RewardSchedule.objects.filter(program_id=client.program_id, active=True).first()
    if plan is None or behaviour not in plan.behaviours:
        return None
    # The source id names a record of another app (a collection, a session, a check-in): it is
    # resolved through that app's selectors for this client, and anything else (another
    # client's, another organization's, missing) is the one "Not found." of every id field.
    verified = sources.verify(client=client, behaviour=behaviour, source_id=source_id)
    if verified is None:
        raise ValidationError({"source_id": NOT_FOUND})
    day, outcome = verified
    if outcome == sources.NEITHER:
        return None
    snapshot = plan.snapshot()
    year = local_today(client.program.time_zone).year
    with transaction.atomic():
        ledger = _ledger_locked(client, year)
        existing = Award.objects.filter(
            client=client, behaviour=behaviour, source_id=source_id
        ).first()
        if existing is not None:
            return existing
        streak = math.Streak.from_dict(ledger.state.get(behaviour))
        award = Award(
            client=client,
            program_id=client.program_id,
            behaviour=behaviour,
            source_id=source_id,
            occurred_on=day,
            outcome=outcome,
            level=streak.level,
            schedule=snapshot,
            state_before=streak.as_dict(),
            created_by=actor,
        )
        if outcome == sources.MET:
            if snapshot["style"] == RewardSchedule.Style.FISHBOWL:
                award.seed = math.new_seed()
            computed = math.compute(snapshot=snapshot, level=streak.level, seed=award.seed)
            award.earned = computed.earned
            award.draws = computed.draws
            award.draw_results = computed.draw_results
            award.amount = math.capped(
                computed.earned,
                earned_in_year=ledger.earned_in_year,
                cap=Decimal(snapshot["yearly_cap"]),
            )
            award.capped = award.amount < award.earned
            after = math.after_met(streak, snapshot)
        else:
            after = math.after_miss(streak, snapshot)
        award.save()
        ledger.state = {**ledger.state, behaviour: after.as_dict()}
        ledger.earned_in_year += award.amount
        ledger.earned_total += award.amount
        ledger.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=award,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={
                "behaviour": behaviour,
                "source_id": source_id,
                "outcome": outcome,
                "level": award.level,
                "earned": str(award.earned),
                "amount": str(award.amount),
                "capped": award.capped,
                "seed": award.seed,
                "earned_in_year": str(ledger.earned_in_year),
            },
        )
    return award


def award_from_signal(*, client: Client, behaviour: str, source_id: int) -> Award | None:
    """The system's award for a behaviour another app just recorded; a source that cannot be
    verified is skipped (it is not an error of the person who recorded it)."""
    try:
        return award_record(actor=None, client=client, behaviour=behaviour, source_id=source_id)
    except ValidationError:
        return None


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(math.CENTS)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": "Enter an amount in dollars, like 12.50."}) from exc
    if amount <= 0:
        raise ValidationError({"amount": "The amount must be more than zero."})
    return amount


def redemption_record(*, actor: User, client: Client, amount, item: str) -> Redemption:
    """Staff hand the client something from their balance; never more than the balance."""
    if not can_record_redemption(actor, client):
        raise PermissionDenied("Redemptions are recorded by the client's coordinators.")
    amount = _amount(amount)
    item = (item or "").strip()
    if not item:
        raise ValidationError({"item": "Say what the client chose."})
    year = local_today(client.program.time_zone).year
    with transaction.atomic():
        ledger = _ledger_locked(client, year)
        if amount > ledger.balance:
            raise ValidationError(
                {"amount": f"The client's balance is ${ledger.balance}; ${amount} is more."}
            )
        redemption = Redemption.objects.create(
            client=client,
            program_id=client.program_id,
            amount=amount,
            item=item[:200],
            recorded_by=actor,
        )
        ledger.redeemed_total += amount
        ledger.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=redemption,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={
                "amount": str(amount),
                "item": redemption.item,
                "balance": str(ledger.balance),
            },
        )
    return redemption
