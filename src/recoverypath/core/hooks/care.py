"""Finish checks: later stages may refuse `care.services.episode_finish`.

    register_finish_check(episode_finish_check)

A check is called as `check(episode=..., end_reason=...)` inside the finish transaction (the
client row locked) and raises `ValidationError` to refuse (e.g. discharge refuses "completed"
while required discharge items are open). Checks run in registration order; the first refusal
wins.
"""

from __future__ import annotations

from typing import Any, Protocol

from . import Hook


class FinishCheck(Protocol):
    # `episode`: a care.EpisodeOfCare (core comes before care).
    def __call__(self, *, episode: Any, end_reason: str) -> None: ...


finish_checks: Hook[FinishCheck] = Hook(
    "finish checks", "May refuse finishing an episode: check(episode=, end_reason=) raises"
)


def register_finish_check(check: FinishCheck) -> FinishCheck:
    return finish_checks.register(check)


def finish_checks_run(*, episode: Any, end_reason: str) -> None:
    """Run every check; raises the first refusal (ValidationError)."""
    for check in finish_checks:
        check(episode=episode, end_reason=end_reason)
