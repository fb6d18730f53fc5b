"""Attendance rules, told of new attendance by scheduling.signals.attendance_recorded.

Two unexcused absences in a row -> a `high` alert. The dedup key names the first absence of the
streak, so a third absence in the same run updates the open alert instead of raising another,
and a new run after an attended session raises a new one.
"""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse

from recoverypath.alerts.kinds import register_kind
from recoverypath.alerts.models import Alert
from recoverypath.alerts.services import alert_raise
from recoverypath.scheduling.models import Session
from recoverypath.scheduling.selectors import attendance_unexcused_streak, session_local_date
from recoverypath.scheduling.signals import attendance_recorded

UNEXCUSED_STREAK = 2
ALERT_KIND = "attendance.unexcused_absences"

register_kind(ALERT_KIND, "Unexcused absences in a row")


def unexcused_streak_check(*, client_id: int) -> Alert | None:
    """Raise (or update) the alert when the client's latest absences are an unexcused run."""
    streak = attendance_unexcused_streak(client_id=client_id)
    if len(streak) < UNEXCUSED_STREAK:
        return None
    latest, first = streak[0], streak[-1]
    client = latest.client
    sessions = ", ".join(
        f"{a.session.title} on {session_local_date(a.session):%a %d %b}" for a in reversed(streak)
    )
    return alert_raise(
        client=client,
        kind=ALERT_KIND,
        severity="high",
        reason=f"{len(streak)} unexcused absences in a row: {sessions}.",
        dedup_key=f"attendance:unexcused-streak:{client.id}:{first.session_id}",
        source=latest,
        source_url=reverse("clients:detail", args=[client.id]),
        actor=None,
    )


@receiver(attendance_recorded, sender=Session, dispatch_uid="earlywarning.attendance.streak")
def _on_attendance_recorded(sender, *, session: Session, client_ids: list[int], **kwargs) -> None:
    for client_id in client_ids:
        unexcused_streak_check(client_id=client_id)
