"""Safety plan, safety profile and safety event writes: permission, one transaction, audit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from recoverypath.clients.selectors import client_lock
from recoverypath.core.audit import Action, audit_record, model_changes
from recoverypath.core.errors import ConflictError

from . import permissions as rules
from . import selectors
from .models import REQUIRED_SECTIONS, SECTION_FIELDS, SafetyEvent, SafetyPlan, SafetyProfile

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def safety_plan_create(
    *,
    actor: User,
    client: Client,
    written_with_client: bool = True,
    change_note: str = "",
    **sections: Any,
) -> SafetyPlan:
    """Write a new version of the client's safety plan; earlier versions are kept unchanged.

    1. Only clinicians and admins of the client's program write plans (PermissionDenied).
    2. The six Stanley-Brown sections are required (ValidationError naming each empty one).
    3. The version is the next number for the client, taken under a lock on the client row.
    4. Open "review safety plan" follow-ups are closed by the new version.
    """
    if not rules.can_write_safety_plan(actor, client):
        raise PermissionDenied("Only the client's clinicians write safety plans.")
    unknown = set(sections) - set(SECTION_FIELDS)
    if unknown:
        raise ValidationError({name: "This is not a safety plan section." for name in unknown})
    values = {name: str(sections.get(name) or "").strip() for name in SECTION_FIELDS}
    errors = {
        name: "Write at least one line for this section, together with the client."
        for name in REQUIRED_SECTIONS
        if not values[name]
    }
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            client_lock(client_id=client.pk)
            previous = selectors.safety_plan_current(client=client)
            plan = SafetyPlan.objects.create(
                client=client,
                version=(previous.version if previous else 0) + 1,
                written_by=actor,
                written_with_client=written_with_client,
                change_note=change_note.strip()[:300],
                **values,
            )
            before = {name: getattr(previous, name) for name in SECTION_FIELDS} if previous else {}
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=plan,
                client_id=client.id,
                organization_id=client.organization_id,
                changes={"version": plan.version, **model_changes(before, values)},
            )
            now = timezone.now()
            for event in selectors.safety_events_open(client=client):
                _close_review(
                    actor=actor, event=event, now=now, note=f"Safety plan v{plan.version} written."
                )
    except IntegrityError as exc:
        raise ConflictError("Someone saved a new version at the same moment; try again.") from exc
    return plan


def safety_profile_set(
    *, actor: User, client: Client, history_of_self_harm: bool, note: str = ""
) -> SafetyProfile:
    """Record whether the client has a history of self-harm (clinicians and admins)."""
    if not rules.can_write_safety_plan(actor, client):
        raise PermissionDenied("Only clinicians record a history of self-harm.")
    with transaction.atomic():
        profile, _ = SafetyProfile.objects.select_for_update().get_or_create(client=client)
        before = {"history_of_self_harm": profile.history_of_self_harm, "note": profile.note}
        profile.history_of_self_harm = bool(history_of_self_harm)
        profile.note = note.strip()[:500]
        profile.updated_by = actor
        profile.save(update_fields=["history_of_self_harm", "note", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=profile,
            client_id=client.id,
            organization_id=client.organization_id,
            changes=model_changes(
                before,
                {"history_of_self_harm": profile.history_of_self_harm, "note": profile.note},
            ),
        )
    return profile


def safety_event_record(
    *,
    client: Client,
    kind: str,
    source=None,
    summary: str = "",
    source_url: str = "",
    actor: User | None = None,
    occurred_at=None,
) -> SafetyEvent:
    """Record a safety concern (e.g. a positive screen) and open its "review safety plan" follow-up.

    Idempotent per source: recording the same source twice returns the first event. Runs in the
    caller's transaction when there is one.
    """
    if kind not in SafetyEvent.Kind.values:
        raise ValidationError({"kind": f"Unknown safety event kind {kind!r}."})
    source_type = source._meta.label_lower if source is not None else ""
    source_id = str(source.pk) if source is not None else ""
    with transaction.atomic():
        if source is not None:
            existing = SafetyEvent.objects.filter(
                client=client, kind=kind, source_type=source_type, source_id=source_id
            ).first()
            if existing is not None:
                return existing
        event = SafetyEvent.objects.create(
            client=client,
            kind=kind,
            summary=summary[:300],
            source_type=source_type,
            source_id=source_id,
            source_url=source_url[:300],
            occurred_at=occurred_at or timezone.now(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=event,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"kind": kind, "source": f"{source_type}:{source_id}" if source else ""},
        )
    return event


def safety_review_complete(*, actor: User, event: SafetyEvent, note: str = "") -> SafetyEvent:
    """Mark the "review safety plan" follow-up done (clinicians and admins)."""
    if not rules.can_write_safety_plan(actor, event.client):
        raise PermissionDenied("Only clinicians review safety plans.")
    with transaction.atomic():
        event = SafetyEvent.objects.select_for_update().select_related("client").get(pk=event.pk)
        if event.review_completed_at is not None:
            raise ConflictError("This review was already completed.")
        _close_review(actor=actor, event=event, now=timezone.now(), note=note)
    return event


def _close_review(*, actor: User, event: SafetyEvent, now, note: str) -> None:
    event.review_completed_at = now
    event.reviewed_by = actor
    event.review_note = note.strip()
    event.save(update_fields=["review_completed_at", "reviewed_by", "review_note"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=event,
        client_id=event.client_id,
        organization_id=event.client.organization_id,
        changes={"review_completed_at": [None, now.isoformat()]},
    )
