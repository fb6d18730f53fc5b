"""Attendance rules, told of new attendance by scheduling.signals.attendance_recorded.

`count` unexcused absences in a row (2 unless the program changes it) -> a `high` alert. The
dedup key names the first absence of the run, so a further absence in the same run updates the
open alert instead of raising another, and a new run after an attended session raises a new one.
No longer true when the client's latest session is not part of such a run (see clearing.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.dispatch import receiver
from django.urls import reverse

from recoverypath.scheduling.selectors import attendance_unexcused_streak, session_local_date
from recoverypath.scheduling.signals import attendance_recorded

from .config import SEVERITY, rule_config
from .models import Rule, WarningSign
from .raising import KINDS, warning_raise

if TYPE_CHECKING:
    from recoverypath.scheduling.models import Session

ALERT_KIND = KINDS[Rule.UNEXCUSED_ABSENCES]


def unexcused_streak_check(*, client_id: int) -> WarningSign | None:
    """Raise (or update) the alert when the client's latest absences are an unexcused run of at
    least the program's `count`; None when the rule is off or the run is shorter."""
    streak = attendance_unexcused_streak(client_id=client_id)
    if not streak:
        return None
    latest, first = streak[0], streak[-1]
    client = latest.client
    config = rule_config(program_id=client.program_id, rule=Rule.UNEXCUSED_ABSENCES)
    if not config.enabled or len(streak) < config["count"]:
        return None
    sessions = ", ".join(
        f"{a.session.title} on {session_local_date(a.session):%a %d %b}" for a in reversed(streak)
    )
    return warning_raise(
        client=client,
        rule=Rule.UNEXCUSED_ABSENCES,
        severity=SEVERITY[Rule.UNEXCUSED_ABSENCES],
        reason=f"{len(streak)} unexcused absences in a row: {sessions}.",
        dedup_key=f"attendance:unexcused-streak:{client.id}:{first.session_id}",
        source=latest,
        source_url=reverse("clients:detail", args=[client.id]),
    )


# Only scheduling sends attendance_recorded (sender: its Session model).
@receiver(attendance_recorded, dispatch_uid="earlywarning.attendance.streak")
def _on_attendance_recorded(sender, *, session: Session, client_ids: list[int], **kwargs) -> None:
    from .clearing import warnings_clear_for_clients

    for client_id in client_ids:
        unexcused_streak_check(client_id=client_id)
    warnings_clear_for_clients(client_ids=client_ids, rules=[Rule.UNEXCUSED_ABSENCES])
