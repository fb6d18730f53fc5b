"""DAP clinical notes: draft, sign (locks), addendum (keeps the original)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.errors import ConflictError

from ..models import ClinicalNote, NoteAddendum, Session
from ..permissions import can_write_notes
from ..selectors import session_roster
from ..signals import note_signed

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

DAP_FIELDS = ["data", "assessment", "plan"]
LOCKED = "This note is signed and locked. Add an addendum instead."


def _audit(actor: User, note: ClinicalNote, action: str, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=note,
        client_id=note.client_id,
        organization_id=note.client.organization_id,
        changes=changes,
    )


def note_create(
    *,
    actor: User,
    session: Session,
    client: Client,
    data: str = "",
    assessment: str = "",
    plan: str = "",
) -> ClinicalNote:
    """Start a draft DAP note for a client of the session. One note per client per session."""
    if not can_write_notes(actor, client):
        raise PermissionDenied("Only clinicians and admins write clinical notes.")
    if client.id not in {c.id for c in session_roster(session=session)}:
        raise ValidationError({"client": "The client was not in this session."})
    note = ClinicalNote(
        session=session, client=client, author=actor, data=data, assessment=assessment, plan=plan
    )
    try:
        with transaction.atomic():
            note.save()
            _audit(actor, note, Action.CREATE, model_changes({}, snapshot(note, DAP_FIELDS)))
    except IntegrityError as exc:
        raise ValidationError(
            {"client": "There is already a note for this client in this session."}
        ) from exc
    return note


def note_update(*, actor: User, note: ClinicalNote, **fields: str) -> ClinicalNote:
    """Change a draft. A signed note raises ConflictError (409): only an addendum may follow."""
    if not can_write_notes(actor, note.client):
        raise PermissionDenied("Only clinicians and admins write clinical notes.")
    if note.is_signed:
        raise ConflictError(LOCKED, code="locked")
    if note.author_id != actor.id:
        raise PermissionDenied("Only the author edits a draft note.")
    unknown = set(fields) - set(DAP_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})
    before = snapshot(note, DAP_FIELDS)
    with transaction.atomic():
        locked = ClinicalNote.objects.select_for_update().get(pk=note.pk)
        if locked.is_signed:
            raise ConflictError(LOCKED, code="locked")
        for name, value in fields.items():
            setattr(note, name, value)
        note.save(update_fields=[*fields, "updated_at"])
        _audit(actor, note, Action.UPDATE, model_changes(before, snapshot(note, DAP_FIELDS)))
    return note


def note_sign(*, actor: User, note: ClinicalNote) -> ClinicalNote:
    """The author signs: the note is locked from now on."""
    if note.author_id != actor.id or not can_write_notes(actor, note.client):
        raise PermissionDenied("Only the author signs a note.")
    if note.is_signed:
        raise ConflictError("This note is already signed.", code="locked")
    empty = {
        name: "Write this part before signing."
        for name in DAP_FIELDS
        if not getattr(note, name).strip()
    }
    if empty:
        raise ValidationError(empty)
    with transaction.atomic():
        updated = ClinicalNote.objects.filter(pk=note.pk, status=ClinicalNote.Status.DRAFT).update(
            status=ClinicalNote.Status.SIGNED, signed_at=timezone.now()
        )
        if not updated:
            raise ConflictError("This note is already signed.", code="locked")
        note.refresh_from_db()
        _audit(actor, note, Action.UPDATE, {"status": ["draft", "signed"]})
        transaction.on_commit(lambda: note_signed.send(sender=ClinicalNote, note=note))
    return note


def note_addendum_add(*, actor: User, note: ClinicalNote, text: str) -> NoteAddendum:
    """Amend a signed note; the original stays as signed."""
    if not can_write_notes(actor, note.client):
        raise PermissionDenied("Only clinicians and admins amend clinical notes.")
    if not note.is_signed:
        raise ValidationError({"text": "A draft is edited directly; addenda amend signed notes."})
    if not text.strip():
        raise ValidationError({"text": "Write the addendum."})
    with transaction.atomic():
        addendum = NoteAddendum.objects.create(note=note, author=actor, text=text.strip())
        _audit(actor, note, Action.UPDATE, {"addendum": [None, addendum.id]})
    return addendum
