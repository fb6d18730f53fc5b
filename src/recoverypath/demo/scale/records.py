"""The rows a client's history is written to, and the parts of it that follow from their check-ins
and episodes: alerts (with their events), drug tests (collections and analyte results) and
assessments scored by the real instruments."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from recoverypath.aftercare.models import (
    AftercarePlan,
    AftercarePlanChange,
    ComponentContact,
    PlanComponent,
)
from recoverypath.alerts.models import Alert, AlertEvent
from recoverypath.assessments.instruments import REGISTRY, ScoringContext
from recoverypath.assessments.models import Assessment
from recoverypath.care.models import EpisodeOfCare
from recoverypath.core.models import AuditEvent
from recoverypath.monitoring.models import CheckIn, Lapse, MeetingAttendance
from recoverypath.testing.models import AnalyteResult, Collection, TestPanel

from .people import ClientTables, Layout
from .writer import Tables

YEAR = 365


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


class Records:
    """The tables of a client's history (declared parents first), and the records that follow
    from what happened to the client."""

    def __init__(
        self, *, tables: Tables, layout: Layout, today: date, seed: int, panel: TestPanel
    ) -> None:
        self.layout = layout
        self.today = today
        self.seed = seed
        self.people = ClientTables(tables)
        self.episodes = tables.table(
            EpisodeOfCare,
            (
                "id",
                "client_id",
                "program_id",
                "level_code",
                "status",
                "start_date",
                "planned_end_date",
                "end_date",
                "end_reason",
                "previous_episode_id",
                "transition_reason",
                "created_by_id",
                "created_at",
            ),
        )
        self.plans = tables.table(
            AftercarePlan,
            (
                "id",
                "client_id",
                "program_id",
                "episode_id",
                "coordinator_id",
                "length",
                "start_date",
                "end_date",
                "status",
                "created_by_id",
                "created_at",
            ),
        )
        self.plan_changes = tables.table(
            AftercarePlanChange,
            ("id", "plan_id", "from_status", "to_status", "actor_id", "changed_at"),
        )
        self.components = tables.table(
            PlanComponent,
            ("id", "plan_id", "kind", "title", "frequency", "expected_per_week", "group_type"),
        )
        self.plan_contacts = tables.table(
            ComponentContact, ("id", "component_id", "date", "attended", "recorded_by_id")
        )
        self.meetings = tables.table(
            MeetingAttendance, ("id", "client_id", "date", "meeting_type", "verification")
        )
        self.check_ins = tables.table(
            CheckIn,
            (
                "id",
                "client_id",
                "date",
                "mood",
                "craving",
                "sleep_hours",
                "stress",
                "used",
                "substances",
                "triggers",
                "coping",
                "submitted_at",
                "updated_at",
            ),
        )
        self.lapses = tables.table(
            Lapse,
            (
                "id",
                "client_id",
                "date",
                "substance",
                "check_in_id",
                "counter_restarted",
                "created_at",
            ),
        )
        self.alerts = tables.table(
            Alert,
            (
                "id",
                "client_id",
                "kind",
                "severity",
                "reason",
                "source_type",
                "source_id",
                "dedup_key",
                "status",
                "assignee_id",
                "raised_at",
                "last_raised_at",
                "acknowledged_at",
                "acknowledged_by_id",
                "resolved_at",
                "resolved_by_id",
                "resolution_note",
            ),
        )
        self.alert_events = tables.table(AlertEvent, ("id", "alert_id", "kind", "at", "actor_id"))
        self.collections = tables.table(
            Collection,
            (
                "id",
                "client_id",
                "program_id",
                "collected_at",
                "specimen_type",
                "panel_id",
                "observed",
                "collector",
                "custody_form_number",
                "brac",
                "recorded_by_id",
            ),
        )
        self.results = tables.table(
            AnalyteResult,
            (
                "id",
                "collection_id",
                "analyte",
                "stage",
                "outcome",
                "value",
                "cutoff",
                "resulted_at",
                "recorded_by_id",
            ),
        )
        self.assessments = tables.table(
            Assessment,
            (
                "id",
                "client_id",
                "episode_id",
                "instrument",
                "answers",
                "total",
                "band",
                "band_severity",
                "subscales",
                "flags",
                "safety_positive",
                "scoring_version",
                "mode",
                "administered_by_id",
                "administered_at",
            ),
        )
        self.audit = tables.table(
            AuditEvent,
            (
                "id",
                "occurred_at",
                "actor_id",
                "actor_email",
                "action",
                "object_type",
                "object_id",
                "client_id",
                "organization_id",
                "path",
            ),
        )
        self.panel_id = panel.id
        self.cutoffs = [(a, Decimal(c["screen"])) for a, c in sorted(panel.cutoffs.items())]
        self.days = [today - timedelta(days=n) for n in range(2 * YEAR + 200)]
        self.day_text = [d.isoformat() for d in self.days]
        # The current client's check-in engagement (p0, floor, tau, the day they stopped), which
        # their attendance follows; None when they have no check-in history to follow.
        self._engagement: tuple[float, float, float, date] | None = None
        self.stages: dict[str, int] = {}
        self._scores: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def _alerts(
        self, rng, client_id, coordinator, plan_id, open_, latest, stopped, lapses, p0, floor
    ):
        today = self.today
        raised: list[tuple[str, str, str, str, str, datetime, str]] = []
        if open_ and stopped <= today:
            last = latest.isoformat() if latest else "none"
            raised.append(
                (
                    "monitoring.no_checkin",
                    "high",
                    "No check-in for several days.",
                    "",
                    "",
                    _at(stopped + timedelta(days=2), 6),
                    f"monitoring:no-checkin:{client_id}:{last}",
                )
            )
        for day, check_in_id in lapses[-3:]:
            raised.append(
                (
                    "monitoring.reported_use",
                    "high",
                    "Reported use in the daily check-in.",
                    "monitoring.checkin",
                    str(check_in_id),
                    _at(day, 22, 30),
                    f"monitoring:reported-use:{client_id}:check-in:{check_in_id}",
                )
            )
        if open_ and floor < 0.3 and p0 - floor > 0.4:
            raised.append(
                (
                    "aftercare.low_adherence",
                    "medium",
                    "Plan adherence under 50% for 2 weeks.",
                    "aftercare.aftercareplan",
                    str(plan_id),
                    _at(today - timedelta(days=rng.randint(1, 30)), 5),
                    f"aftercare:low-adherence:{plan_id}",
                )
            )
        for kind, severity, reason, source_type, source_id, at, dedup in raised:
            age = (today - at.date()).days
            status = "resolved" if age > 14 else rng.choice(("open", "open", "acknowledged"))
            acked = at + timedelta(hours=rng.randint(1, 30)) if status != "open" else None
            resolved = acked + timedelta(days=rng.randint(1, 7)) if status == "resolved" else None
            alert_id = self.alerts.next_id()
            self.alerts.add(
                (
                    alert_id,
                    client_id,
                    kind,
                    severity,
                    reason,
                    source_type,
                    source_id,
                    dedup,
                    status,
                    coordinator,
                    at,
                    at,
                    acked,
                    coordinator if acked else None,
                    resolved,
                    coordinator if resolved else None,
                    "Talked with the client; plan reviewed." if resolved else "",
                )
            )
            events = [("raised", at, None)]
            if acked:
                events.append(("acknowledged", acked, coordinator))
            if resolved:
                events.append(("resolved", resolved, coordinator))
            for event, when, actor in events:
                self.alert_events.add((self.alert_events.next_id(), alert_id, event, when, actor))

    # -- tests and assessments -------------------------------------------------------------

    def _tests(self, rng, client_id, staff, coordinator, first, last):
        day = first + timedelta(days=rng.randint(0, 10))
        while day <= last:
            collection_id = self.collections.next_id()
            at = _at(day, 14, rng.randint(0, 59))
            breath = rng.random() < 0.2
            self.collections.add(
                (
                    collection_id,
                    client_id,
                    staff.program_id,
                    at,
                    "breath" if breath else "urine",
                    None if breath else self.panel_id,
                    rng.random() < 0.3,
                    "Collection desk",
                    "" if breath else f"SC-{collection_id}",
                    Decimal("0.000") if breath else None,
                    coordinator,
                )
            )
            if not breath:
                positive = rng.choice(("cocaine", "marijuana")) if rng.random() < 0.05 else None
                resulted = at + timedelta(minutes=15)
                for analyte, screen in self.cutoffs:
                    hit = analyte == positive
                    self.results.add(
                        (
                            self.results.next_id(),
                            collection_id,
                            analyte,
                            "presumptive",
                            "positive" if hit else "negative",
                            screen * 3 if hit else Decimal(0),
                            screen,
                            resulted,
                            coordinator,
                        )
                    )
            day += timedelta(days=rng.randint(10, 24))

    def _assessments(self, rng, client_id, episode_id, clinician, start, last):
        """PHQ-9 and GAD-7 at IOP intake and every four weeks after, scores easing with time."""
        day, n = start, 0
        while day <= last and n < 8:
            at = _at(day, 17)
            for code, items, top in (("PHQ-9", 8, 22), ("GAD-7", 7, 17)):
                total = max(0, int(top * (0.35 + 0.65 * rng.random()) * (0.8**n)))
                # Item 9 of the PHQ-9 (thoughts of self-harm) is rarely above 0.
                item9 = (1 if rng.random() < 0.03 else 0) if code == "PHQ-9" else None
                self._assessment(
                    client_id,
                    episode_id,
                    code,
                    (total, items, item9, rng.randrange(4)),
                    clinician,
                    at,
                )
            day += timedelta(days=28)
            n += 1

    def _assessment(self, client_id, episode_id, code, shape, actor, at):
        """`shape`: (total, items, item 9 or None, variant). Answers are one of four spreads of
        the total, so the real instrument scores each shape once."""
        key = (code, *shape)
        scored = self._scores.get(key)
        if scored is None:
            total, items, item9, variant = shape
            answers = _spread(random.Random(f"{code}-{total}-{variant}"), total, items, 3)
            if item9 is not None:
                answers.append(item9)
            instrument = REGISTRY[code]
            score = instrument.score(answers, ScoringContext())
            scored = (
                answers,
                score.total,
                score.band or "",
                instrument.band_severity(score.band),
                score.subscales,
                score.flags,
                ("self_harm" in score.flags) or ("safety" in score.flags),
                score.scoring_version,
            )
            self._scores[key] = scored
        self.assessments.add(
            (self.assessments.next_id(), client_id, episode_id, code, *scored, "staff", actor, at)
        )


def _spread(rng: random.Random, total: int, count: int, high: int) -> list[int]:
    """`count` answers between 0 and high summing to `total` (clamped into range)."""
    total = min(high * count, total)
    answers = [0] * count
    while total > 0:
        index = rng.randrange(count)
        if answers[index] < high:
            answers[index] += 1
            total -= 1
    return answers
