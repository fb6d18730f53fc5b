"""What discharge reads from the other stages of care, in one place: scheduling (attendance),
assessments (scores), safety (safety plan, crisis resources) and aftercare (the aftercare plan),
always through their selectors and services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from recoverypath.aftercare import selectors as aftercare_selectors
from recoverypath.aftercare import services as aftercare_services
from recoverypath.assessments import selectors as assessment_selectors
from recoverypath.safety import selectors as safety_selectors

ATTENDED = ("present", "late", "left_early")


def _day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def attendance_figures(*, client, program, start: date, end: date) -> dict[str, Any]:
    """{"attended", "absent", "excused", "unexcused", "hours", "last_attended_on"} over the
    local days start..end (inclusive) in `program`. One query."""
    from recoverypath.scheduling.models import Attendance

    rows = list(
        Attendance.objects.filter(
            client=client,
            session__program=program,
            session__starts_at__gte=_day_start(start, program.time_zone),
            session__starts_at__lt=_day_start(end, program.time_zone) + timedelta(days=1),
        )
        .select_related("session")
        .order_by("session__starts_at")
    )
    attended = [r for r in rows if r.status in ATTENDED]
    zone = ZoneInfo(program.time_zone)
    return {
        "attended": len(attended),
        "absent": len(rows) - len(attended),
        "excused": sum(1 for r in rows if r.status == "excused"),
        "unexcused": sum(1 for r in rows if r.status == "unexcused"),
        "hours": round(sum(r.minutes_attended for r in attended) / 60, 1),
        "last_attended_on": (
            attended[-1].session.starts_at.astimezone(zone).date() if attended else None
        ),
    }


def _score_text(assessment) -> str:
    if assessment.total is not None:
        return str(assessment.total)
    if assessment.subscales:
        return ", ".join(f"{k} {v}" for k, v in assessment.subscales.items() if v is not None)
    return "—"


def scores_at_intake_and_discharge(*, client, zone: str) -> list[dict[str, Any]]:
    """Per instrument: the first score (intake) and the latest (discharge), one query."""
    by_instrument: dict[str, list[Any]] = {}
    for assessment in assessment_selectors.assessment_scores(client=client):
        by_instrument.setdefault(assessment.instrument, []).append(assessment)
    tz = ZoneInfo(zone)
    rows = []
    for code, items in sorted(by_instrument.items()):
        first, last = items[0], items[-1]
        rows.append(
            {
                "instrument": code,
                "intake_score": _score_text(first),
                "intake_band": first.band.replace("_", " "),
                "intake_on": first.administered_at.astimezone(tz).date().isoformat(),
                "discharge_score": _score_text(last) if len(items) > 1 else None,
                "discharge_band": last.band.replace("_", " ") if len(items) > 1 else "",
                "discharge_on": last.administered_at.astimezone(tz).date().isoformat()
                if len(items) > 1
                else "",
            }
        )
    return rows


def safety_plan_required(*, client) -> bool:
    return safety_selectors.safety_plan_required(client=client)


def safety_plan_current(*, client):
    return safety_selectors.safety_plan_current(client=client)


def crisis_resources(*, program) -> list[dict[str, str]]:
    """988, Crisis Text Line, 911 and the program's after-hours line, as safety lists them."""
    return [
        {"name": r.name, "contact": r.how, "phone": r.call or r.text}
        for r in safety_selectors.crisis_resources(program=program)
    ]


def aftercare_plan_current(*, client):
    return aftercare_selectors.plan_current(client=client)


def aftercare_plan_start(*, actor, client, episode, notes: str = "", components=None):
    """Graduation starts the aftercare plan (3 months) through the aftercare app."""
    return aftercare_services.aftercare_plan_start(
        actor=actor, client=client, episode=episode, months=3, notes=notes, components=components
    )
