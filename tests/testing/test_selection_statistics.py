"""A simulated year of the daily draw for 500 clients on mixed policies (fixed seed): each
client's count of selections lies in its policy's binomial interval, the days of the window are
selected uniformly, and a test on one window day says nothing about the next.

The draw is run through the same pure function the daily job calls (testing/draw.py), with
seeds from a fixed-seed generator instead of the OS CSPRNG, so the test is deterministic."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from recoverypath.testing import draw

from .stats import binomial_interval, chi_square_p, gamma_q

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
WEEKDAYS = (0, 1, 2, 3, 4)
POLICIES = [  # (tests per period, period, window days)
    (2, "week", EVERY_DAY),
    (1, "week", WEEKDAYS),
    (3, "week", WEEKDAYS),
    (4, "month", WEEKDAYS),
    (2, "month", EVERY_DAY),
    (1, "week", (0, 2, 4)),
    (6, "month", (0, 1, 2, 3, 4, 5)),
    (5, "week", EVERY_DAY),
]
YEAR_START = date(2027, 1, 1)
DAYS = 365


@pytest.fixture(scope="module")
def year():
    """{client: [selected days]}, the policy of each client, and the window days of the year."""
    rng = random.Random(20261126)
    policies = []
    for i in range(500):
        tests, period, days = POLICIES[rng.randrange(len(POLICIES))]
        policies.append(draw.PolicyInForce(i + 1, 1000 + i, tests, period, days))
    selected: dict[int, list[date]] = defaultdict(list)
    for offset in range(DAYS):
        day = YEAR_START + timedelta(days=offset)
        for drawn in draw.draw_day(seed=rng.randbytes(32), day=day, policies=policies):
            if drawn.selected:
                selected[drawn.policy.policy_id].append(day)
    return policies, selected


def _window_days_of_year(policy: draw.PolicyInForce) -> list[date]:
    days = (YEAR_START + timedelta(days=i) for i in range(DAYS))
    return [d for d in days if d.weekday() in policy.window_days]


def _p(policy: draw.PolicyInForce) -> float:
    return draw.daily_probability(policy.tests_per_period, policy.period, policy.window_days)


def test_at_most_3_percent_of_clients_fall_outside_their_binomial_99_percent_interval(year):
    policies, selected = year
    outside = 0
    for policy in policies:
        n = len(_window_days_of_year(policy))
        lo, hi = binomial_interval(n, _p(policy), 0.99)
        if not lo <= len(selected[policy.policy_id]) <= hi:
            outside += 1
    assert outside / len(policies) <= 0.03, outside


def test_the_long_run_rate_matches_the_policy(year):
    """2 a week on 7 days: about 104 a year; 4 a month on weekdays: about 48."""
    policies, selected = year
    by_kind: dict[tuple, list[int]] = defaultdict(list)
    for policy in policies:
        by_kind[(policy.tests_per_period, policy.period, policy.window_days)].append(
            len(selected[policy.policy_id])
        )
    yearly = {"week": 365 / 7, "month": 12}
    for (tests, period, _days), counts in by_kind.items():
        mean = sum(counts) / len(counts)
        target = tests * yearly[period]
        assert abs(mean - target) / target < 0.06, (tests, period, mean, target)


@pytest.mark.parametrize("window", sorted({p[2] for p in POLICIES}))
def test_each_weekday_of_the_window_is_selected_at_the_same_rate(year, window):
    policies, selected = year
    chosen = [p for p in policies if p.window_days == window]
    observed = dict.fromkeys(window, 0)
    weight = dict.fromkeys(window, 0.0)  # expected selections per weekday, up to a constant
    for policy in chosen:
        p = _p(policy)
        for day in _window_days_of_year(policy):
            weight[day.weekday()] += p
        for day in selected[policy.policy_id]:
            observed[day.weekday()] += 1
    total = sum(observed.values())
    expected = [total * weight[w] / sum(weight.values()) for w in window]
    if len(window) > 1:
        assert chi_square_p([observed[w] for w in window], expected) > 0.01


def test_each_day_of_the_month_is_selected_at_the_same_rate(year):
    """Days 1-28 (every month has them), for the clients whose window is every day."""
    policies, selected = year
    observed = [0] * 28
    for policy in policies:
        if policy.window_days != EVERY_DAY:
            continue
        for day in selected[policy.policy_id]:
            if day.day <= 28:
                observed[day.day - 1] += 1
    total = sum(observed)
    assert chi_square_p(observed, [total / 28] * 28) > 0.01


def test_a_test_on_one_window_day_makes_the_next_window_day_neither_likelier_nor_less_likely(
    year,
):
    """Pairs of consecutive window days both selected: observed against what independence
    predicts, sum of p^2 per pair, within 3 standard deviations (the variance of a sum of
    overlapping pair indicators: m(p^2 - p^4) + 2(m - 1)(p^3 - p^4) per client)."""
    policies, selected = year
    observed = 0
    expected = variance = 0.0
    for policy in policies:
        days = _window_days_of_year(policy)
        chosen = set(selected[policy.policy_id])
        observed += sum(1 for a, b in itertools.pairwise(days) if a in chosen and b in chosen)
        p, m = _p(policy), len(days) - 1
        expected += m * p * p
        variance += m * (p**2 - p**4) + 2 * (m - 1) * (p**3 - p**4)
    assert abs(observed - expected) <= 3 * variance**0.5, (observed, expected)


def test_two_a_week_is_a_rate_not_a_quota(year):
    """Some calendar weeks hold no test and some hold three or more (never "two per week")."""
    policies, selected = year
    per_week: dict[int, int] = defaultdict(int)
    for policy in policies:
        if (policy.tests_per_period, policy.period, policy.window_days) != (2, "week", EVERY_DAY):
            continue
        for day in selected[policy.policy_id]:
            per_week[(policy.policy_id, day.isocalendar()[1])] += 1
        weeks_with_tests = {w for (pid, w) in per_week if pid == policy.policy_id}
        assert len(weeks_with_tests) < 53
    assert max(per_week.values()) >= 3


def test_the_chi_square_p_value_matches_known_critical_values():
    """Table values: chi-square 6.635 at 1 df, 16.812 at 6 df and 46.963 at 27 df are the
    0.01 critical points; 3.841 at 1 df and 40.113 at 27 df are the 0.05 ones."""
    assert gamma_q(0.5, 6.635 / 2) == pytest.approx(0.01, abs=2e-4)
    assert gamma_q(3, 16.812 / 2) == pytest.approx(0.01, abs=2e-4)
    assert gamma_q(13.5, 46.963 / 2) == pytest.approx(0.01, abs=2e-4)
    assert gamma_q(13.5, 40.113 / 2) == pytest.approx(0.05, abs=2e-4)
    assert gamma_q(0.5, 3.841 / 2) == pytest.approx(0.05, abs=2e-4)


def test_the_binomial_interval_holds_99_percent():
    lo, hi = binomial_interval(365, 2 / 7)
    assert (lo, hi) == binomial_interval(365, 2 / 7, 0.99)
    assert 104 - 25 < lo < 104 < hi < 104 + 25
