"""Writes to episodes of care: permission, validation, one transaction, audit, signals on commit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recoverypath.clients.selectors import client_lock
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.hooks.care import finish_checks_run
from recoverypath.core.timezones import local_today

from . import levels
from .models import EpisodeOfCare, EpisodeStatusChange, Track
from .placement import MISSING_ANSWER, placement_check, placement_clean, placement_missing
from .signals import episode_finished, episode_started

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User
    from recoverypath.clients.models import Client

Status = EpisodeOfCare.Status
EPISODE_FIELDS = [
    "client",
    "program",
    "level_code",
    "edition",
    "status",
    "track",
    "start_date",
    "planned_end_date",
    "end_date",
    "end_reason",
    "previous_episode",
    "transition_reason",
    "placement_override_reason",
]
ACTIVE_CONFLICT = "{name} already has an active episode in {program}: finish or step it first."


def _require_clinical(actor: User, client: Client) -> None:
    if not permissions.can_act_clinically(actor, client):
        raise PermissionDenied("Only clinicians and admins of the client's program manage care.")


def _lock_client(client: Client) -> None:
    """Serialize enrollments of one client: the second waits here until the first commits."""
    client_lock(client_id=client.pk)


def _record(
    *, actor: User, episode: EpisodeOfCare, from_status: str, reason: str = "", changes=None
) -> None:
    EpisodeStatusChange.objects.create(
        episode=episode,
        from_status=from_status,
        to_status=episode.status,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE if not from_status else Action.UPDATE,
        obj=episode,
        client_id=episode.client_id,
        organization_id=episode.client.organization_id,
        changes=changes or {"status": [from_status or None, episode.status]},
    )


def _move(episode: EpisodeOfCare, to_status: str) -> str:
    """Check the lifecycle allows the move; return the status moved from."""
    from_status = episode.status
    if to_status not in EpisodeOfCare.ALLOWED_TRANSITIONS[from_status]:
        raise ValidationError(
            {
                "status": f"A {episode.get_status_display().lower()} episode cannot become "
                f"{Status(to_status).label.lower()}."
            }
        )
    episode.status = to_status
    return from_status


def _placement(
    *,
    level_code: str,
    edition: str,
    answers: dict[str, Any] | None,
    override_reason: str,
) -> tuple[dict, list]:
    """Run the IOP admission check for a move into `level_code`: (clean answers, warnings).

    Into an IOP level the answers are required: each unanswered question raises ValidationError
    under its own name with the form's words, and warnings without a written override reason
    raise under `placement_override_reason`. Answers given for another level are kept, unchecked.
    """
    iop = levels.is_iop(level_code)
    if answers is None and not iop:
        return {}, []
    missing = placement_missing(answers)
    if missing:
        raise ValidationError({name: MISSING_ANSWER for name in missing}, code="placement")
    clean_answers = placement_clean(answers or {})
    warnings = placement_check(clean_answers, edition) if iop else []
    if warnings and not override_reason.strip():
        reasons = " ".join(w.reason for w in warnings)
        raise ValidationError(
            {
                "placement_override_reason": (
                    f"IOP may not be the right level: {reasons} Suggested: "
                    f"{warnings[0].suggestion} To enroll anyway, write why."
                )
            },
            code="placement",
        )
    return clean_answers, [w.as_dict() for w in warnings]


def _insert(episode: EpisodeOfCare, client: Client, program: Program) -> None:
    episode.full_clean(exclude=["client", "program", "previous_episode", "created_by"])
    if (
        episode.status == Status.ACTIVE
        and EpisodeOfCare.objects.filter(client=client, program=program, status=Status.ACTIVE)
        .exclude(pk=episode.pk)
        .exists()
    ):
        raise ValidationError(
            {"client": ACTIVE_CONFLICT.format(name=client.display_name, program=program)}
        )
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError as exc:  # a concurrent enrollment won the race
        raise ValidationError(
            {"client": ACTIVE_CONFLICT.format(name=client.display_name, program=program)}
        ) from exc


def episode_start(
    *,
    actor: User,
    client: Client,
    program: Program | None = None,
    level_code: str,
    start_date: date | None = None,
    edition: str = levels.DEFAULT_EDITION,
    planned_end_date: date | None = None,
    track: str = Track.GENERAL,
    placement_answers: dict[str, Any] | None = None,
    placement_override_reason: str = "",
    previous_episode: EpisodeOfCare | None = None,
    transition_reason: str = "",
) -> EpisodeOfCare:
    """Open an episode. Active if it starts today or earlier, else planned.

    Enrollment into an IOP level runs the admission check and needs `placement_answers`: missing
    answers raise ValidationError naming each question; warnings without an override reason
    raise ValidationError naming the reason and the level that fits; with one, the answers,
    warnings and reason are kept on the episode. Raises PermissionDenied, or
    ValidationError when the client already has an active episode in the program (also when a
    concurrent request just opened one).
    """
    program = program or client.program
    _require_clinical(actor, client)
    if program.organization_id != client.organization_id or not permissions.has_rank(
        actor, program.id, permissions.Rank.CLINICIAN
    ):
        raise ValidationError({"program": "Choose one of your programs."})
    start_date = start_date or local_today(program.time_zone)
    answers, warnings = _placement(
        level_code=level_code,
        edition=edition,
        answers=placement_answers,
        override_reason=placement_override_reason,
    )
    status = Status.PLANNED if start_date > local_today(program.time_zone) else Status.ACTIVE
    episode = EpisodeOfCare(
        client=client,
        program=program,
        level_code=level_code,
        edition=edition,
        status=status,
        track=track or Track.GENERAL,
        start_date=start_date,
        planned_end_date=planned_end_date,
        placement_answers=answers,
        placement_warnings=warnings,
        placement_override_reason=placement_override_reason.strip() if warnings else "",
        previous_episode=previous_episode,
        transition_reason=transition_reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        _lock_client(client)
        _insert(episode, client, program)
        _record(
            actor=actor,
            episode=episode,
            from_status="",
            reason=transition_reason or placement_override_reason,
            changes=model_changes({}, snapshot(episode, EPISODE_FIELDS)),
        )
        if status == Status.ACTIVE:
            transaction.on_commit(
                lambda: episode_started.send(sender=EpisodeOfCare, episode=episode)
            )
    return episode


def episode_activate(*, actor: User, episode: EpisodeOfCare) -> EpisodeOfCare:
    """A planned episode begins (today in the program's zone, unless it started earlier)."""
    _require_clinical(actor, episode.client)
    with transaction.atomic():
        _lock_client(episode.client)
        episode.refresh_from_db()
        from_status = _move(episode, Status.ACTIVE)
        episode.start_date = min(episode.start_date, local_today(episode.program.time_zone))
        _insert(episode, episode.client, episode.program)
        _record(actor=actor, episode=episode, from_status=from_status)
        transaction.on_commit(lambda: episode_started.send(sender=EpisodeOfCare, episode=episode))
    return episode


def episode_cancel(*, actor: User, episode: EpisodeOfCare, reason: str) -> EpisodeOfCare:
    """A planned episode that will not happen."""
    _require_clinical(actor, episode.client)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the episode is cancelled."})
    with transaction.atomic():
        from_status = _move(episode, Status.CANCELLED)
        episode.end_reason = reason.strip()
        episode.save(update_fields=["status", "end_reason", "updated_at"])
        _record(actor=actor, episode=episode, from_status=from_status, reason=reason)
    return episode


def _finish(*, actor: User, episode: EpisodeOfCare, end_reason: str, end_date: date | None) -> str:
    from_status = _move(episode, Status.FINISHED)
    end_date = end_date or local_today(episode.program.time_zone)
    if end_date < episode.start_date:
        raise ValidationError({"end_date": "The end date cannot be before the start date."})
    episode.end_date = end_date
    episode.end_reason = end_reason.strip()
    episode.save(update_fields=["status", "end_date", "end_reason", "updated_at"])
    _record(actor=actor, episode=episode, from_status=from_status, reason=end_reason)
    return from_status


def episode_finish(
    *, actor: User, episode: EpisodeOfCare, end_reason: str, end_date: date | None = None
) -> EpisodeOfCare:
    """Close an active episode (end date defaults to today in the program's zone).

    Raises ValidationError when the reason is blank or a registered finish check refuses.
    """
    _require_clinical(actor, episode.client)
    if not end_reason.strip():
        raise ValidationError({"end_reason": "Say why the episode ends."})
    with transaction.atomic():
        _lock_client(episode.client)
        episode.refresh_from_db()
        # Later stages may refuse (discharge: "completed" while required items are open).
        finish_checks_run(episode=episode, end_reason=end_reason)
        _finish(actor=actor, episode=episode, end_reason=end_reason, end_date=end_date)
        transaction.on_commit(lambda: episode_finished.send(sender=EpisodeOfCare, episode=episode))
    return episode


def episode_transition(
    *,
    actor: User,
    episode: EpisodeOfCare,
    level_code: str,
    reason: str,
    on_date: date | None = None,
    planned_end_date: date | None = None,
    track: str | None = None,
    placement_answers: dict[str, Any] | None = None,
    placement_override_reason: str = "",
) -> EpisodeOfCare:
    """Step up or step down: close `episode` and open the next level in one transaction.

    0. a move into an IOP level (a step down from PHP or residential, a step up from aftercare or
       outpatient) runs the admission check as enrollment does: missing `placement_answers`
       raise ValidationError naming each question, warnings need `placement_override_reason`;
    1. lock the client, re-read the episode (it must still be active);
    2. finish it on `on_date` (default today) with "Stepped up/down to <level>: <reason>";
    3. open the new active episode from the same date, linked to the old one, with the reason
       and the placement answers, warnings and override;
    4. after commit: episode_finished(old), episode_started(new).
    Returns the new episode. Raises ValidationError (same level, no reason, not active).
    """
    _require_clinical(actor, episode.client)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the client changes level."})
    new_level = levels.level_get(level_code, episode.edition)
    if new_level is None:
        raise ValidationError({"level_code": f"{level_code!r} is not a level of care."})
    if level_code == episode.level_code:
        raise ValidationError({"level_code": "Choose a different level from the current one."})
    answers, warnings = _placement(
        level_code=level_code,
        edition=episode.edition,
        answers=placement_answers,
        override_reason=placement_override_reason,
    )
    on_date = on_date or local_today(episode.program.time_zone)
    with transaction.atomic():
        _lock_client(episode.client)
        episode.refresh_from_db()
        if episode.status != Status.ACTIVE:
            raise ValidationError({"status": "Only an active episode can step up or down."})
        old_rank = episode.level.rank if episode.level else 0
        direction = "Stepped up" if new_level.rank > old_rank else "Stepped down"
        _finish(
            actor=actor,
            episode=episode,
            end_reason=f"{direction} to {new_level.label}: {reason.strip()}",
            end_date=on_date,
        )
        nxt = EpisodeOfCare(
            client=episode.client,
            program=episode.program,
            level_code=level_code,
            edition=episode.edition,
            status=Status.ACTIVE,
            track=track or episode.track,
            start_date=on_date,
            planned_end_date=planned_end_date,
            previous_episode=episode,
            transition_reason=reason.strip(),
            placement_answers=answers,
            placement_warnings=warnings,
            placement_override_reason=placement_override_reason.strip() if warnings else "",
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _insert(nxt, episode.client, episode.program)
        _record(
            actor=actor,
            episode=nxt,
            from_status="",
            reason=reason,
            changes=model_changes({}, snapshot(nxt, EPISODE_FIELDS)),
        )
        transaction.on_commit(lambda: episode_finished.send(sender=EpisodeOfCare, episode=episode))
        transaction.on_commit(lambda: episode_started.send(sender=EpisodeOfCare, episode=nxt))
    return nxt
