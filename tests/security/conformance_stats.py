"""Figures of the schemathesis run, printed at the end of the session by conftest.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ConformanceStats:
    operations: set[tuple[str, str]] = field(default_factory=set)
    runs: int = 0
    examples: int = 0
    failures: int = 0
    seconds: float = 0.0

    def record(
        self, method: str, path: str, role: str, examples: int, seconds: float, *, failed: bool
    ) -> None:
        self.operations.add((method, path))
        self.runs += 1
        self.examples += examples
        self.failures += int(failed)
        self.seconds += seconds

    def summary(self) -> str:
        return (
            f"schemathesis: {len(self.operations)} operations, {self.runs} operation-role runs, "
            f"{self.examples} examples, {self.failures} failed runs, {self.seconds:.1f}s"
        )


STATS = ConformanceStats()
