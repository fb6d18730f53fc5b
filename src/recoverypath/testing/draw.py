"""The random draw, as pure functions an auditor can run with nothing but a draw record.

Every day of a policy's window carries the same chance p = tests per period / window days per
period (2 tests a week on a 7-day window: 2/7 each day), independently of every other day: never
"two per calendar week", so the day after a test is as likely as any other.

The value for a policy on a day is HMAC-SHA256(seed, "<ISO date>|<policy id>"), its first 53 bits
read as a fraction in [0, 1). The seed is 32 bytes from the operating system's CSPRNG
(`secrets.token_bytes`), drawn once per program and day and stored with the draw, so:
1. nobody can predict a value before the draw (the seed does not exist yet);
2. anyone holding the stored seed recomputes every value and every selection exactly;
3. values of different clients and days are independent uniforms (HMAC as a PRF).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

ALGORITHM = "hmac-sha256-53bit-v1"
SEED_BYTES = 32
# The average number of days in a month, over the 400-year Gregorian cycle.
DAYS_PER_MONTH = Fraction(146097, 400 * 12)


def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def window_days_per_period(window_days: Iterable[int], period: str) -> Fraction:
    """How many window days a period holds on average: a week has one of each weekday; a month
    has DAYS_PER_MONTH / 7 of each."""
    count = len(set(window_days))
    if period == "week":
        return Fraction(count)
    if period == "month":
        return Fraction(count) * DAYS_PER_MONTH / 7
    raise ValueError(f"Unknown period {period!r}.")


def daily_probability(tests_per_period: int, period: str, window_days: Iterable[int]) -> float:
    """p for each window day; ValueError when the window has no days or p would exceed 1."""
    days = window_days_per_period(window_days, period)
    if days <= 0:
        raise ValueError("The collection window has no days.")
    p = Fraction(tests_per_period) / days
    if p > 1:
        raise ValueError("More tests than days in the window.")
    return float(p)


def draw_value(seed: bytes, day: date, policy_id: int) -> float:
    message = f"{day.isoformat()}|{policy_id}".encode()
    digest = hmac.new(seed, message, hashlib.sha256).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) / float(1 << 53)


@dataclass(frozen=True)
class PolicyInForce:
    policy_id: int
    client_id: int
    tests_per_period: int
    period: str
    window_days: tuple[int, ...]


@dataclass(frozen=True)
class Drawn:
    policy: PolicyInForce
    probability: float
    value: float

    @property
    def selected(self) -> bool:
        return self.value < self.probability


def draw_day(*, seed: bytes, day: date, policies: Iterable[PolicyInForce]) -> list[Drawn]:
    """One value per policy whose window includes `day`'s weekday; policies outside it are left
    out (they are not drawn that day)."""
    weekday = day.weekday()
    out = []
    for policy in policies:
        if weekday not in policy.window_days:
            continue
        p = daily_probability(policy.tests_per_period, policy.period, policy.window_days)
        out.append(Drawn(policy, p, draw_value(seed, day, policy.policy_id)))
    return out


def reproduce(*, seed_hex: str, day: date, entries: Iterable[dict]) -> list[tuple[int, bool]]:
    """[(policy_id, selected)] recomputed from a stored draw alone: its seed and date, and each
    entry's policy id, tests per period, period and window days. Raises ValueError when a stored
    probability or value does not match the recomputation."""
    seed = bytes.fromhex(seed_hex)
    out = []
    for entry in entries:
        p = daily_probability(entry["tests_per_period"], entry["period"], entry["window_days"])
        value = draw_value(seed, day, entry["policy_id"])
        if "probability" in entry and entry["probability"] != p:
            raise ValueError(f"Policy {entry['policy_id']}: stored probability differs.")
        if "value" in entry and entry["value"] != value:
            raise ValueError(f"Policy {entry['policy_id']}: stored value differs.")
        out.append((entry["policy_id"], value < p))
    return out
