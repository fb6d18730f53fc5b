"""One synthetic client's path through care, written as rows: intake, IOP, aftercare with a year
of daily check-ins whose adherence decays, attendance at the plan's components over its last eight
weeks, lapses, alerts, drug tests, assessments, audit events.

Shares (of all clients): 6 % waiting for intake, 12 % in IOP, 62 % in aftercare, 10 % alumni
(aftercare completed), 10 % discharged without aftercare. About one aftercare client in eight is
disengaging: their check-ins stop in the last weeks and a no-check-in alert is open.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date, timedelta
from decimal import Decimal

from recoverypath.monitoring.models import COPING, SUBSTANCES, TRIGGERS

from .people import ProgramStaff
from .records import YEAR, Records, _at

# Attendance (plan contacts and support-group meetings) is written for an open plan's last eight
# weeks: what the adherence rule (14 days) and the plan pages read, at a bounded number of rows.
ATTENDANCE_DAYS = 56

# The oldest day any story writes: a discharged client's IOP began up to 900 days ago, intake up
# to 10 days before that (see Stories below).
OLDEST_DAYS = 910

SLEEP = [Decimal(f"{h / 2:.1f}") for h in range(6, 20)]
TRIGGER_SETS = [[], [], [], *[[k] for k, _ in TRIGGERS]] + [
    sorted({a, b}) for a, _ in TRIGGERS[:5] for b, _ in TRIGGERS[5:]
]
COPING_SETS = [[], *[[k] for k, _ in COPING]] + [
    sorted({a, b}) for a, _ in COPING[:3] for b, _ in COPING[3:]
]
SUBSTANCE_CODES = [k for k, _ in SUBSTANCES]
SLEEP_TEXT = [str(h) for h in SLEEP]
TRIGGER_TEXT = [json.dumps(t) for t in TRIGGER_SETS]
COPING_TEXT = [json.dumps(c) for c in COPING_SETS]
SUBSTANCE_TEXT = [json.dumps([c]) for c in SUBSTANCE_CODES]
COMPONENTS = (
    ("therapy", "Outpatient therapy", "weekly", Decimal("1"), ""),
    ("support_group", "Support group", "several_weekly", Decimal("3"), "aa"),
    ("support_group", "Support group", "several_weekly", Decimal("2"), "smart"),
    ("coaching", "Recovery coaching", "biweekly", Decimal("0.5"), ""),
    ("medication", "Medication management", "monthly", Decimal("0.25"), ""),
    ("activity", "Exercise / community activity", "weekly", Decimal("2"), ""),
)


# Cumulative shares of the stages a client is at (the module's docstring).
STAGES = (
    ("intake", 0.06),
    ("iop", 0.18),
    ("aftercare", 0.80),
    ("alumni", 0.90),
    ("discharged", 1.01),
)


def _end_reason(rng: random.Random, stage: str) -> str:
    if stage in ("intake", "iop"):
        return ""
    if stage == "discharged":
        return rng.choice(("Completed IOP", "Left against advice", "Moved away"))
    return "Completed IOP"


class Stories(Records):
    """Writes one client and their path through care (`client_add`)."""

    # -- the client ------------------------------------------------------------------------

    def client_add(self, rng: random.Random, index: int) -> None:
        staff = self.layout.program_of(index)
        roll = rng.random()
        stage = next(name for name, share in STAGES if roll < share)
        self.stages[stage] = self.stages.get(stage, 0) + 1
        today = self.today
        client_id = self.people.clients.next_id()
        coordinator = rng.choices(staff.coordinators, cum_weights=staff.coordinator_weights)[0]
        clinician = rng.choice(staff.clinicians)
        if stage == "intake":
            iop_start = today + timedelta(days=rng.randint(1, 14))
        elif stage == "iop":
            iop_start = today - timedelta(days=rng.randint(1, 70))
        elif stage == "aftercare":
            # More recent graduates than old ones: aftercare began 7 to 540 days ago.
            ac_start = today - timedelta(days=int(7 + 533 * rng.random() ** 1.3))
            iop_start = ac_start - timedelta(days=rng.randint(42, 84))
        elif stage == "alumni":
            ac_start = today - timedelta(days=rng.randint(200, 720))
            iop_start = ac_start - timedelta(days=rng.randint(42, 84))
        else:
            iop_start = today - timedelta(days=rng.randint(100, 900))
        intake_at = _at(min(iop_start, today) - timedelta(days=rng.randint(0, 10)), 15)
        audit = self._audit_writer(staff, client_id)
        audit(intake_at, staff.front_desk, "create", "clients.client", client_id, "/clients/new/")

        sobriety: date | None = min(iop_start, today) - timedelta(days=rng.randint(0, 30))
        if rng.random() < 0.08:
            sobriety = None
        iop_status = "planned" if stage == "intake" else "active" if stage == "iop" else "finished"
        iop_end = None
        if stage in ("aftercare", "alumni"):
            iop_end = ac_start - timedelta(days=1)
        elif stage == "discharged":
            iop_end = iop_start + timedelta(days=rng.randint(20, 80))
        iop_id = self.episodes.next_id()
        self.episodes.add(
            (
                iop_id,
                client_id,
                staff.program_id,
                "2.1",
                iop_status,
                iop_start,
                iop_start + timedelta(days=56),
                iop_end,
                _end_reason(rng, stage),
                None,
                "",
                clinician,
                intake_at,
            )
        )
        audit(intake_at, clinician, "create", "care.episodeofcare", iop_id, "")
        self._assessments(
            rng, client_id, iop_id, clinician, iop_start, min(iop_end or today, today)
        )

        if stage in ("aftercare", "alumni"):
            sobriety = self._aftercare(
                rng, stage, client_id, staff, coordinator, iop_id, ac_start, sobriety, audit
            )
        self.people.add(
            rng=rng,
            client_id=client_id,
            seed=self.seed,
            index=index,
            staff=staff,
            coordinator=coordinator,
            today=today,
            sobriety_date=sobriety,
            created_at=intake_at,
        )
        for _ in range(rng.randint(1, 4)):
            seen = intake_at + timedelta(
                days=rng.randint(0, max(0, (today - intake_at.date()).days))
            )
            seen = min(seen, _at(today, 12))
            audit(
                seen,
                rng.choice((coordinator, clinician)),
                "read",
                "clients.client",
                client_id,
                f"/clients/{client_id}/",
            )

    def _audit_writer(self, staff: ProgramStaff, client_id: int):
        emails = self.layout.emails
        audit = self.audit

        def write(at, actor, action, object_type, object_id, path) -> None:
            audit.add(
                (
                    audit.next_id(),
                    at,
                    actor,
                    emails[actor],
                    action,
                    object_type,
                    str(object_id),
                    client_id,
                    staff.organization_id,
                    path,
                )
            )

        return write

    # -- aftercare -------------------------------------------------------------------------

    def _aftercare(
        self, rng, stage, client_id, staff, coordinator, iop_id, ac_start, sobriety, audit
    ):
        today = self.today
        episode_id = self.episodes.next_id()
        open_ = stage == "aftercare"
        weeks = rng.choice((13, 26))
        end = ac_start + timedelta(weeks=weeks)
        length = "3m" if weeks == 13 else "6m"
        if open_ and end < today:
            length, end = "custom", today + timedelta(days=rng.randint(14, 120))
        self.episodes.add(
            (
                episode_id,
                client_id,
                staff.program_id,
                "aftercare",
                "active" if open_ else "finished",
                ac_start,
                end,
                None if open_ else end,
                "" if open_ else "Aftercare plan completed",
                iop_id,
                "Stepped down after IOP",
                coordinator,
                _at(ac_start, 16),
            )
        )
        plan_id = self.plans.next_id()
        created = _at(ac_start, 16, 30)
        self.plans.add(
            (
                plan_id,
                client_id,
                staff.program_id,
                episode_id,
                coordinator,
                length,
                ac_start,
                end,
                "active" if open_ else "completed",
                coordinator,
                created,
            )
        )
        self.plan_changes.add(
            (self.plan_changes.next_id(), plan_id, "", "active", coordinator, created)
        )
        if not open_:
            self.plan_changes.add(
                (
                    self.plan_changes.next_id(),
                    plan_id,
                    "active",
                    "completed",
                    coordinator,
                    _at(end, 17),
                )
            )
        audit(created, coordinator, "create", "aftercare.aftercareplan", plan_id, "")
        components = []
        for kind, title, frequency, per_week, group in rng.sample(COMPONENTS, rng.randint(2, 4)):
            component_id = self.components.next_id()
            self.components.add((component_id, plan_id, kind, title, frequency, per_week, group))
            components.append((component_id, kind, per_week, group))
        tested = rng.random() < 0.45
        if tested:
            self.components.add(
                (
                    self.components.next_id(),
                    plan_id,
                    "random_testing",
                    "Random testing",
                    "weekly",
                    Decimal("1"),
                    "",
                )
            )
        last = min(end, today)
        self._engagement = None
        sobriety = self._check_ins(
            rng, client_id, staff, coordinator, ac_start, last, open_, plan_id, sobriety
        )
        if open_ and self._engagement is not None:
            self._attendance(client_id, coordinator, ac_start, components)
        if tested:
            self._tests(
                rng, client_id, staff, coordinator, max(ac_start, last - timedelta(days=120)), last
            )
        return sobriety

    def _attendance(self, client_id, coordinator, ac_start, components) -> None:
        """An open plan's attendance over its last ATTENDANCE_DAYS days (to yesterday): each
        occurrence of a component at its frequency, attended with a probability that follows the
        client's check-in engagement (a little higher: a session is easier to keep than a daily
        habit), nearly never once the client has stopped checking in. Therapy, coaching,
        medication and activities are logged contacts (a miss is logged most of the time);
        support groups are the client's meeting attendance (only meetings gone to are logged).
        Its own random stream per client, so the rest of the story is the same as without it."""
        if self._engagement is None:
            return
        p0, floor, tau, stopped = self._engagement
        rng = random.Random(self.seed * 1_000_003 + client_id)
        last = self.today - timedelta(days=1)
        first = max(ac_start, self.today - timedelta(days=ATTENDANCE_DAYS))
        if first > last:
            return
        span = (last - first).days + 1
        for component_id, kind, per_week, group in components:
            gap = 7 / float(per_week)
            at = rng.random() * gap
            while at < span:
                day = first + timedelta(days=int(at))
                at += gap
                if day >= stopped:
                    p = 0.03
                else:
                    p = floor + (p0 - floor) * math.exp(-(day - ac_start).days / tau)
                    p = min(0.97, p + 0.3)
                attended = rng.random() < p
                if kind == "support_group":
                    if attended:
                        self.meetings.add(
                            (self.meetings.next_id(), client_id, day, group or "other", "none")
                        )
                elif attended or rng.random() < 0.7:
                    self.plan_contacts.add(
                        (self.plan_contacts.next_id(), component_id, day, attended, coordinator)
                    )

    def _check_ins(
        self, rng, client_id, staff, coordinator, ac_start, last, open_, plan_id, sobriety
    ):
        """Daily check-ins from the later of aftercare's start and a year ago, each day with a
        probability that decays from p0 to a floor (time constant tau days)."""
        today = self.today
        first = max(ac_start, today - timedelta(days=YEAR - 1))
        if first > last:
            return sobriety
        p0 = 0.75 + 0.23 * rng.random()
        floor = 0.08 + 0.45 * rng.random()
        tau = 40 + 200 * rng.random()
        use_rate = 0.002 + 0.02 * rng.random() ** 2
        mood_base = 2.4 + 1.8 * rng.random()
        craving_base = 0.5 + 4 * rng.random()
        stopped = today + timedelta(days=1)
        if open_ and rng.random() < 0.125 and (today - ac_start).days > 30:
            stopped = today - timedelta(days=rng.randint(3, 21))  # disengaging
        self._engagement = (p0, floor, tau, stopped)
        random_ = rng.random
        days = self.days
        table = self.check_ins
        add, next_id = table.add, table.next_id
        if table.copies:  # PostgreSQL: the hot path formats COPY text itself
            add_line, day_text = table.add_line, self.day_text
            sleep_text, trigger_text, coping_text = SLEEP_TEXT, TRIGGER_TEXT, COPING_TEXT
        lapse_days: list[tuple[date, int]] = []
        latest: date | None = None
        start_offset = (first - ac_start).days
        for n in range((last - first).days + 1):
            day = days[(today - first).days - n]
            p = floor + (p0 - floor) * math.exp(-(start_offset + n) / tau)
            if day >= stopped:
                p = 0.02
            elif n == 0:
                p = 1.0  # everyone in aftercare has checked in at least once
            if random_() >= p:
                continue
            used = random_() < use_rate * (1.5 - p)
            strain = 1 - p
            check_in_id = next_id()
            mood = min(5, max(1, int(mood_base + 2.2 * (random_() - 0.5) - strain - used)))
            craving = min(10, max(0, int(craving_base + 3 * random_() + 3 * strain + 4 * used)))
            stress = min(10, max(0, int(2 + 5 * random_() + 2 * strain)))
            hour, minute = 12 + int(11 * random_()), int(60 * random_())
            sleep, substance = int(random_() * 14), int(random_() * 6)
            trigger = int(random_() * len(TRIGGER_SETS))
            coping = int(random_() * len(COPING_SETS))
            if table.copies:
                offset = (today - first).days - n
                at = f"{day_text[offset]} {hour:02d}:{minute:02d}:00+00"
                add_line(
                    f"{check_in_id}\t{client_id}\t{day_text[offset]}\t{mood}\t{craving}\t"
                    f"{sleep_text[sleep]}\t{stress}\t{'t' if used else 'f'}\t"
                    f"{SUBSTANCE_TEXT[substance] if used else '[]'}\t{trigger_text[trigger]}\t"
                    f"{coping_text[coping]}\t{at}\t{at}"
                )
            else:
                at = _at(day, hour, minute)
                add(
                    (
                        check_in_id,
                        client_id,
                        day,
                        mood,
                        craving,
                        SLEEP[sleep],
                        stress,
                        used,
                        [SUBSTANCE_CODES[substance]] if used else [],
                        TRIGGER_SETS[trigger],
                        COPING_SETS[coping],
                        at,
                        at,
                    )
                )
            latest = day
            if used:
                lapse_days.append((day, check_in_id))
        for day, check_in_id in lapse_days:
            restarted = random_() < 0.7
            self.lapses.add(
                (self.lapses.next_id(), client_id, day, "", check_in_id, restarted, _at(day, 22))
            )
            if restarted:
                sobriety = day + timedelta(days=1)
        self._alerts(
            rng, client_id, coordinator, plan_id, open_, latest, stopped, lapse_days, p0, floor
        )
        return sobriety
