"""What discharge reads from the other stages of care, in one place: scheduling (attendance),
assessments (scores), safety (safety plan, crisis resources) and aftercare (the aftercare plan),
always through their selectors and services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from recoverypath.aftercare import selectors as aftercare_selectors
from recoverypath.aftercare import services as aftercare_services
from recoverypath.assessments import selectors as assessment_selectors
from recoverypath.safety import selectors as safety_selectors
from recoverypath.scheduling import selectors as scheduling_selectors

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

ATTENDED = ("present", "late", "left_early")


def _day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def attendance_figures(*, client, program, start: date, end: date) -> dict[str, Any]:
    """{"attended", "absent", "excused", "unexcused", "hours", "last_attended_on"} over the
    local days start..end (inclusive) in `program`. One query."""
    rows = scheduling_selectors.attendance_in_program(
        client=client,
        program_id=program.id,
        since=_day_start(start, program.time_zone),
        before=_day_start(end, program.time_zone) + timedelta(days=1),
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


# The windows a summary takes its scores from: the episode's first and last 14 days, so "at
# intake" and "at discharge" describe this episode and not whatever was measured before or since.
SCORE_WINDOW_DAYS = 14


def _score_cell(assessment, tz: ZoneInfo) -> dict[str, Any]:
    if assessment is None:
        return {"score": None, "band": "", "on": ""}
    return {
        "score": _score_text(assessment),
        "band": assessment.band.replace("_", " "),
        "on": assessment.administered_at.astimezone(tz).date().isoformat(),
    }


def scores_at_intake_and_discharge(
    *, client, zone: str, start: date, end: date
) -> list[dict[str, Any]]:
    """Per instrument taken during the episode (local days start..end, inclusive): the first
    score of its first 14 days (intake) and the latest of its last 14 days (discharge), each
    with its date; None where that window has none ("not measured"). A short episode's windows
    overlap: one administration is then intake only, never both. One query."""
    window = timedelta(days=SCORE_WINDOW_DAYS)
    intake_before = _day_start(start, zone) + window
    discharge_since = _day_start(end, zone) + timedelta(days=1) - window
    by_instrument: dict[str, list[Any]] = {}
    for assessment in assessment_selectors.assessment_scores(
        client=client,
        since=_day_start(start, zone),
        before=_day_start(end, zone) + timedelta(days=1),
    ):
        by_instrument.setdefault(assessment.instrument, []).append(assessment)
    tz = ZoneInfo(zone)
    rows = []
    for code, items in sorted(by_instrument.items()):
        intake = next((a for a in items if a.administered_at < intake_before), None)
        discharge = next(
            (a for a in reversed(items) if a.administered_at >= discharge_since and a != intake),
            None,
        )
        first, last = _score_cell(intake, tz), _score_cell(discharge, tz)
        rows.append(
            {
                "instrument": code,
                "intake_score": first["score"],
                "intake_band": first["band"],
                "intake_on": first["on"],
                "discharge_score": last["score"],
                "discharge_band": last["band"],
                "discharge_on": last["on"],
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


def aftercare_plan_start(*, actor: User, client, episode, notes: str = "", components=None):
    """Graduation starts the aftercare plan (3 months) through the aftercare app."""
    return aftercare_services.aftercare_plan_start(
        actor=actor, client=client, episode=episode, months=3, notes=notes, components=components
    )
