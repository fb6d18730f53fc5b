"""The reward arithmetic, as pure functions over a schedule snapshot and a streak state, so an
auditor recomputes any award from its stored row alone (`reproduce`).

Fishbowl draws: the seed is 32 bytes from the OS CSPRNG (`secrets.token_bytes`), made when the
award is made and stored with it; draw i's value is HMAC-SHA256(seed, str(i)), its first 53 bits
as a fraction in [0, 1), which picks a prize by cumulative weight."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

ALGORITHM = "hmac-sha256-53bit-v1"
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Streak:
    level: int = 0
    restore_level: int = 0
    since_reset: int = 0

    @classmethod
    def from_dict(cls, data: dict | None) -> Streak:
        data = data or {}
        return cls(
            int(data.get("level", 0)),
            int(data.get("restore_level", 0)),
            int(data.get("since_reset", 0)),
        )

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "restore_level": self.restore_level,
            "since_reset": self.since_reset,
        }


def after_met(streak: Streak, snapshot: dict) -> Streak:
    """One more verified behaviour in a row; the pre-reset level returns after `restore_after`."""
    level = streak.level + 1
    since = streak.since_reset + 1
    restore = streak.restore_level
    after = int(snapshot.get("restore_after", 0))
    if restore and after and since >= after:
        level = max(level, restore)
        restore = 0
    return Streak(level, restore, since)


def after_miss(streak: Streak, snapshot: dict) -> Streak:
    """A miss: back to the first level, remembering where the client was (if restoring is on)."""
    remember = streak.level if int(snapshot.get("restore_after", 0)) else 0
    return Streak(0, max(remember, streak.restore_level) if remember else 0, 0)


def escalating_amount(level: int, snapshot: dict) -> Decimal:
    base = Decimal(snapshot["base_amount"])
    amount = base + Decimal(snapshot["increment"]) * level
    return min(amount, Decimal(snapshot["max_amount"])).quantize(CENTS)


def draws_for(level: int, snapshot: dict) -> int:
    return min(
        int(snapshot["draws_base"]) + int(snapshot["draws_increment"]) * level,
        int(snapshot["draws_max"]),
    )


def new_seed() -> str:
    return secrets.token_bytes(32).hex()


def draw_value(seed_hex: str, index: int) -> float:
    digest = hmac.new(bytes.fromhex(seed_hex), str(index).encode(), hashlib.sha256).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) / float(1 << 53)


def pick_prize(value: float, prizes: list[dict]) -> dict:
    total = sum(int(p["weight"]) for p in prizes)
    point = value * total
    running = 0
    for prize in prizes:
        running += int(prize["weight"])
        if point < running:
            return prize
    return prizes[-1]


@dataclass
class Computed:
    earned: Decimal
    draws: int = 0
    draw_results: list[dict] = field(default_factory=list)


def compute(*, snapshot: dict, level: int, seed: str = "") -> Computed:
    """What a verified behaviour at `level` earns (before the yearly cap)."""
    if snapshot["style"] == "fishbowl":
        count = draws_for(level, snapshot)
        results = []
        for index in range(count):
            value = draw_value(seed, index)
            prize = pick_prize(value, snapshot["prizes"])
            results.append(
                {"value": value, "label": prize["label"], "amount": str(prize["amount"])}
            )
        earned = sum((Decimal(r["amount"]) for r in results), Decimal("0")).quantize(CENTS)
        return Computed(earned, count, results)
    return Computed(escalating_amount(level, snapshot))


def capped(earned: Decimal, *, earned_in_year: Decimal, cap: Decimal) -> Decimal:
    """The part of `earned` that fits under the yearly cap."""
    room = max(cap - earned_in_year, Decimal("0"))
    return min(earned, room).quantize(CENTS)


def reproduce(award) -> Decimal:
    """The award's earned amount recomputed from its stored snapshot, state and seed; raises
    ValueError when it does not match what was stored."""
    if award.outcome != "met":
        return Decimal("0.00")
    got = compute(snapshot=award.schedule, level=award.level, seed=award.seed)
    if got.earned != award.earned or got.draws != award.draws:
        raise ValueError(f"Award {award.pk}: stored amount differs from the recomputation.")
    return got.earned
