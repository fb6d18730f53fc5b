"""Figures of the schemathesis run, printed at the end of the session by conftest.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ConformanceStats:
    operations: set[tuple[str, str]] = field(default_factory=set)
    runs: int = 0
    examples: int = 0
    failures: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    # (method, path, role) -> answers 2xx: a run that never succeeds checks only error bodies.
    successes: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def answer(self, method: str, path: str, role: str, status: int) -> None:
        self.statuses[status] += 1
        key = (method, path, role)
        self.successes[key] = self.successes.get(key, 0) + int(200 <= status < 300)

    def record(
        self, method: str, path: str, role: str, examples: int, seconds: float, *, failed: bool
    ) -> None:
        self.operations.add((method, path))
        self.runs += 1
        self.examples += examples
        self.failures += int(failed)
        self.seconds += seconds

    def summary(self) -> str:
        by_class = Counter(f"{status // 100}xx" for status in self.statuses.elements())
        answered = sum(1 for count in self.successes.values() if count)
        return (
            f"schemathesis: {len(self.operations)} operations, {self.runs} operation-role runs, "
            f"{self.examples} examples, {self.failures} failed runs, {self.seconds:.1f}s; "
            f"answers {dict(sorted(by_class.items()))}; "
            f"{answered} of {len(self.successes)} runs had a 2xx answer"
        )

    def never_succeeded(self) -> list[str]:
        return [f"{m} {p} as {r}" for (m, p, r), count in self.successes.items() if not count]


STATS = ConformanceStats()
