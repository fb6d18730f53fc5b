"""Small statistics for the selection tests (scipy is not a dependency): the exact binomial
interval and the chi-square p-value through the regularized upper incomplete gamma function
(Numerical Recipes' series and Lentz continued fraction)."""

from __future__ import annotations

import math


def binomial_interval(n: int, p: float, level: float = 0.99) -> tuple[int, int]:
    """The central `level` interval [lo, hi] of Binomial(n, p): lo is the smallest k with
    P(X <= k) >= (1 - level) / 2 and hi the smallest k with P(X <= k) >= 1 - (1 - level) / 2."""
    tail = (1 - level) / 2
    cdf = 0.0
    lo = hi = None
    for k in range(n + 1):
        cdf += math.exp(
            math.lgamma(n + 1)
            - math.lgamma(k + 1)
            - math.lgamma(n - k + 1)
            + (k * math.log(p) if k else 0.0)
            + ((n - k) * math.log1p(-p) if n - k else 0.0)
        )
        if lo is None and cdf >= tail:
            lo = k
        if hi is None and cdf >= 1 - tail:
            hi = k
            break
    return lo if lo is not None else 0, hi if hi is not None else n


def gamma_q(a: float, x: float) -> float:
    """Q(a, x) = Gamma(a, x) / Gamma(a), the regularized upper incomplete gamma function."""
    if x < 0 or a <= 0:
        raise ValueError("Q(a, x) needs a > 0 and x >= 0.")
    if x == 0:
        return 1.0
    gln = math.lgamma(a)
    if x < a + 1:  # series for P(a, x), then Q = 1 - P
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return 1.0 - total * math.exp(-x + a * math.log(x) - gln)
    tiny = 1e-300  # continued fraction for Q(a, x), modified Lentz
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(-x + a * math.log(x) - gln) * h


def chi_square_p(observed: list[float], expected: list[float]) -> float:
    """The p-value of Pearson's chi-square for `observed` against `expected` (same total),
    with len - 1 degrees of freedom."""
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    return gamma_q((len(observed) - 1) / 2, statistic / 2)
