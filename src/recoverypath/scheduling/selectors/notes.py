"""DAP clinical notes (clinicians and admins only)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from recoverypath.clients.models import Client
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record

from ..models import ClinicalNote, Session

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

UNSIGNED_NOTE_HOURS = 72


def note_queryset_for_user(*, user: User) -> QuerySet[ClinicalNote]:
    """Notes of clients in programs where `user` is a clinician or admin. Clients never see them
    here (they are psychotherapy-adjacent records released only through the record request)."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.CLINICIAN)
    return ClinicalNote.objects.filter(client__program_id__in=program_ids).select_related(
        "client", "client__organization", "author", "session", "session__group", "session__program"
    )


def note_get(*, user: User, note_id: int) -> ClinicalNote:
    note = (
        note_queryset_for_user(user=user)
        .prefetch_related("addenda__author")
        .filter(pk=note_id)
        .first()
    )
    if note is None:
        raise Http404("No such note.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=note,
        client_id=note.client_id,
        organization_id=note.client.organization_id,
    )
    return note


def session_note(*, session: Session, client: Client) -> ClinicalNote | None:
    """The client's note for the session, if written; uses the notes `session_get` prefetched."""
    return next((n for n in session.notes.all() if n.client_id == client.id), None)


def notes_for_client(*, user: User, client: Client) -> list[ClinicalNote]:
    return list(
        note_queryset_for_user(user=user)
        .filter(client=client)
        .prefetch_related("addenda")
        .order_by("-session__starts_at", "-id")[:20]
    )


def notes_unsigned_overdue(*, user: User, now: datetime | None = None) -> list[ClinicalNote]:
    """Draft notes `user` wrote more than 72 hours ago: one query."""
    cutoff = (now or timezone.now()) - timedelta(hours=UNSIGNED_NOTE_HOURS)
    return list(
        ClinicalNote.objects.filter(
            author=user, status=ClinicalNote.Status.DRAFT, created_at__lt=cutoff
        )
        .select_related("client", "session", "session__group", "session__program")
        .order_by("created_at")
    )
