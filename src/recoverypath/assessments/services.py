"""Administering instruments: validate, score, store, escalate, remind."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from recoverypath.alerts.services import alert_raise
from recoverypath.clients.selectors import client_for_system
from recoverypath.core.audit import Action, audit_record
from recoverypath.notifications.reminder_config import ReminderKind
from recoverypath.notifications.selectors import reminder_config
from recoverypath.notifications.services import reminder_schedule
from recoverypath.safety.services import safety_event_record

from . import selectors
from .instruments import ScoringContext, instrument_get
from .models import Assessment, ScheduleRule
from .permissions import (
    can_change_assessment_schedules,
    can_enter_assessment,
    can_self_report_assessment,
)
from .schedules import DEFAULT_RULES

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.care.models import EpisodeOfCare
    from recoverypath.clients.models import Client

log = logging.getLogger(__name__)

REMINDER_TEMPLATE = "assessments.due"
REMINDER_HOUR = 9  # local wall-clock time reminders go out
REMINDER_KEY_PREFIX = "assessments:due:"


CSSRS = "C-SSRS-SCREEN"
CSSRS_LOW_KIND = "safety.cssrs_low"
CSSRS_LOW_REVIEW_HOURS = 72
# The safety event a positive screen records (safety.models.SafetyEvent.Kind.POSITIVE_SCREEN).
POSITIVE_SCREEN = "positive_screen"


def _is_safety_positive(code: str, flags: list[str]) -> bool:
    return ("self_harm" in flags and code == "PHQ-9") or "safety" in flags


def assessment_submit(
    *,
    actor: User,
    client: Client,
    instrument: str,
    answers: Any,
    administered_at: datetime | None = None,
    episode: EpisodeOfCare | None = None,
) -> Assessment:
    """Store one administration and act on it.

    1. The client may submit only for themself (mode "self"); clinicians and admins of the
       client's program enter for a client (mode "staff"). Anyone else: PermissionDenied.
    2. Unknown instrument, wrong answer count, out-of-range values and answers to skipped items
       raise ValidationError naming the item; nothing is stored.
    3. Answers are stored as given with the derived total, band, subscales, flags and
       scoring_version, in the active episode unless one is given.
    4. Safety screens raise an alert at once, in the same transaction, one per administration
       (a new screen is a new signal even while an earlier alert is open or acknowledged):
       PHQ-9 item 9 above 0 -> critical, plus a "review safety plan" safety event and a
       clinician's to-do to administer the C-SSRS (see selectors.cssrs_requests_for);
       C-SSRS high -> critical, moderate -> high, both with the safety event;
       C-SSRS low -> medium "review within 72 hours" and a to-do for the primary clinician.
    5. After commit, the next due date of this instrument is scheduled as a reminder.
    """
    if can_self_report_assessment(actor, client):
        mode = Assessment.Mode.SELF
    elif can_enter_assessment(actor, client):
        mode = Assessment.Mode.STAFF
    else:
        raise PermissionDenied("You cannot submit assessments for this client.")
    definition = instrument_get(instrument)
    score = definition.score(
        answers, ScoringContext(sex_assigned_at_birth=client.sex_assigned_at_birth)
    )
    now = timezone.now()
    administered_at = administered_at or now
    if timezone.is_naive(administered_at):
        raise ValidationError({"administered_at": "Give a time zone with the time."})
    if administered_at > now + timedelta(minutes=5):
        raise ValidationError({"administered_at": "This cannot be in the future."})
    if mode == Assessment.Mode.SELF and administered_at < now - timedelta(minutes=5):
        raise ValidationError({"administered_at": "A self-report is stored as of now."})
    if episode is not None and episode.client_id != client.id:
        raise ValidationError({"episode": "This episode belongs to another client."})
    safety_positive = _is_safety_positive(definition.code, score.flags)
    with transaction.atomic():
        if episode is None:
            _, episode = selectors.client_phase(client=client)
        assessment = Assessment.objects.create(
            client=client,
            episode=episode,
            instrument=definition.code,
            answers=list(answers),
            total=score.total,
            band=score.band or "",
            band_severity=definition.band_severity(score.band),
            subscales=score.subscales,
            flags=score.flags,
            safety_positive=safety_positive,
            scoring_version=score.scoring_version,
            mode=mode,
            administered_by=actor,
            administered_at=administered_at,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=assessment,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={
                "instrument": definition.code,
                "mode": mode,
                "total": score.total,
                "band": score.band,
                "flags": score.flags,
            },
        )
        if safety_positive:
            _escalate(actor=actor, client=client, assessment=assessment)
        elif definition.code == CSSRS and score.band == "low":
            _review_low_risk(actor=actor, client=client, assessment=assessment)
    transaction.on_commit(lambda: _remind_next(client=client, assessment=assessment))
    return assessment


def _detail_url(client: Client, assessment: Assessment) -> str:
    return reverse(
        "assessments:detail", kwargs={"client_id": client.id, "assessment_id": assessment.id}
    )


def _escalate(*, actor: User, client: Client, assessment: Assessment) -> None:
    """An alert for this administration plus a safety event, in the caller's transaction."""
    url = _detail_url(client, assessment)
    if assessment.instrument == "PHQ-9":
        kind, severity = "safety.phq9_item9", "critical"
        item9 = assessment.answers[8]
        reason = (
            f"PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered "
            f"{item9} of 3; total {assessment.total}. Follow the safety protocol now and "
            "administer the C-SSRS screener with the client."
        )
    else:
        kind = "safety.cssrs_positive"
        severity = "critical" if assessment.band == "high" else "high"
        reason = (
            f"C-SSRS screener: {assessment.band} risk. Safety precautions until a professional "
            f"evaluates the client."
        )
    alert_raise(
        client=client,
        kind=kind,
        severity=severity,
        reason=reason,
        # The key names this administration: every screen is its own signal. Only the same
        # administration raised twice is merged.
        dedup_key=f"{kind}:assessment:{assessment.id}",
        source=assessment,
        source_url=url,
        actor=actor,
    )
    safety_event_record(
        client=client,
        kind=POSITIVE_SCREEN,
        source=assessment,
        summary=f"{assessment.instrument} positive safety screen",
        source_url=url,
        actor=actor,
        occurred_at=assessment.administered_at,
    )


def _review_low_risk(*, actor: User, client: Client, assessment: Assessment) -> None:
    """C-SSRS at low risk: a medium alert asking for a review within 72 hours; the primary
    clinician's to-do follows the alert (selectors.cssrs_low_reviews_for)."""
    alert_raise(
        client=client,
        kind=CSSRS_LOW_KIND,
        severity="medium",
        reason=(
            "C-SSRS screener: low risk (wish to be dead or thoughts of suicide, without method, "
            f"intent or recent behaviour). Review with the client within "
            f"{CSSRS_LOW_REVIEW_HOURS} hours."
        ),
        dedup_key=f"{CSSRS_LOW_KIND}:assessment:{assessment.id}",
        source=assessment,
        source_url=_detail_url(client, assessment),
        actor=actor,
    )


def _reminders_on(client: Client) -> bool:
    """Whether the client's program sends "questionnaires due" reminders (program setting)."""
    return reminder_config(program_id=client.program_id, kind=ReminderKind.ASSESSMENT_DUE).enabled


def assessment_reminder_wanted(*, dedup_key: str, recipient_id: int) -> bool:
    """At send time: the recipient is still the client's login and the program still sends
    these reminders."""
    try:
        client_id = int(dedup_key.removeprefix(REMINDER_KEY_PREFIX).split(":", 1)[0])
    except ValueError:
        return False
    client = client_for_system(client_id=client_id)
    return client is not None and client.user_id == recipient_id and _reminders_on(client)


def _remind_next(*, client: Client, assessment: Assessment) -> None:
    """Schedule a reminder for the next time this instrument is due (client logins only)."""
    recipient = client.user if client.user_id else None
    if recipient is None or not _reminders_on(client):
        return
    local = assessment.administered_at.astimezone(ZoneInfo(client.time_zone))
    next_on = selectors.next_due_on(
        client=client, instrument=assessment.instrument, taken_on=local.date()
    )
    if next_on is None:
        return
    try:
        reminder_schedule(
            recipient=recipient,
            at=datetime.combine(next_on, time(REMINDER_HOUR)),  # wall-clock, recipient's zone
            template=REMINDER_TEMPLATE,
            context={"instrument": assessment.instrument, "link": reverse("assessments:my_list")},
            dedup_key=f"{REMINDER_KEY_PREFIX}{client.id}:{assessment.instrument}",
        )
    except ValidationError:  # a reminder is a convenience; the home page shows what is due
        log.exception("Could not schedule the next %s reminder", assessment.instrument)


def intake_reminders_schedule(*, client: Client) -> int:
    """One reminder naming every instrument due now (used when an episode starts). Returns how
    many instruments it names (0: nothing due, or the client has no login)."""
    recipient = client.user if client.user_id else None
    if recipient is None or not _reminders_on(client):
        return 0
    due = [d.instrument.code for d in selectors.assessments_due(client=client)]
    if due:
        reminder_schedule(
            recipient=recipient,
            at=timezone.now(),
            template=REMINDER_TEMPLATE,
            context={"instrument": ", ".join(due), "link": reverse("assessments:my_list")},
            dedup_key=f"{REMINDER_KEY_PREFIX}{client.id}:intake",
        )
    return len(due)


def schedule_rule_save(
    *,
    actor: User,
    program,
    instrument: str,
    at_intake: bool,
    iop_every_days: int | None,
    aftercare_every_days: int | None,
    after_safety_positive: bool,
) -> ScheduleRule:
    """Set when `instrument` is due in `program` (program admins). Creates the program's rows
    from the defaults on first change so the other instruments keep their schedule."""
    if not can_change_assessment_schedules(actor, program.id):
        raise PermissionDenied("Only program admins change assessment schedules.")
    definition = instrument_get(instrument)
    floor = definition.min_interval_days or 1
    for field, value in (
        ("iop_every_days", iop_every_days),
        ("aftercare_every_days", aftercare_every_days),
    ):
        if value is not None and not 1 <= value <= 365:
            raise ValidationError({field: "Give a number of days from 1 to 365, or leave empty."})
        if value is not None and value < floor:
            raise ValidationError(
                {
                    field: f"{definition.code} asks about the past 30 days: give {floor} days or "
                    f"more so one answer's days are not counted again in the next."
                }
            )
    with transaction.atomic():
        if not ScheduleRule.objects.filter(program=program).exists():
            ScheduleRule.objects.bulk_create(
                ScheduleRule(
                    program=program,
                    instrument=r.instrument,
                    at_intake=r.at_intake,
                    iop_every_days=r.iop_every_days,
                    aftercare_every_days=r.aftercare_every_days,
                    after_safety_positive=r.after_safety_positive,
                )
                for r in DEFAULT_RULES
            )
        rule, _ = ScheduleRule.objects.update_or_create(
            program=program,
            instrument=instrument,
            defaults={
                "at_intake": at_intake,
                "iop_every_days": iop_every_days,
                "aftercare_every_days": aftercare_every_days,
                "after_safety_positive": after_safety_positive,
            },
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=rule,
            organization_id=program.organization_id,
            changes={
                "instrument": instrument,
                "at_intake": at_intake,
                "iop_every_days": iop_every_days,
                "aftercare_every_days": aftercare_every_days,
                "after_safety_positive": after_safety_positive,
            },
        )
    return rule
