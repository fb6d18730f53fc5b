"""DAP notes: drafts by their author, signing, addenda on signed notes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from recoverypath.clients.selectors import client_get
from recoverypath.clients.views import staff_required
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors

from .. import selectors, services
from ..forms import (
    AddendumForm,
    NoteForm,
)
from ..permissions import can_write_notes


@staff_required
def note_new(request, session_id: int, client_id: int):
    session = selectors.session_get(user=request.user, session_id=session_id)
    client = client_get(user=request.user, client_id=client_id)
    if not can_write_notes(request.user, client):
        raise PermissionDenied
    existing = selectors.session_note(session=session, client=client)
    if existing is not None:
        return redirect("scheduling:note", note_id=existing.id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_create(
                actor=request.user, session=session, client=client, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if "sign" in request.POST:
                return _sign(request, note)
            messages.success(request, "Draft saved.")
            return redirect("scheduling:note", note_id=note.id)
    return render(
        request,
        "scheduling/note.html",
        {
            "form": form,
            "session": session,
            "client": client,
            "note": None,
            "zone": ZoneInfo(session.program.time_zone),
        },
    )


def _sign(request, note):
    try:
        services.note_sign(actor=request.user, note=note)
    except ValidationError as exc:
        messages.error(request, "Not signed: " + " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Note signed and locked.")
    return redirect("scheduling:note", note_id=note.id)


@staff_required
def note_detail(request, note_id: int):
    """A draft is edited (and signed) by its author; a signed note only takes addenda."""
    note = selectors.note_get(user=request.user, note_id=note_id)
    editable = not note.is_signed and note.author_id == request.user.id
    form = NoteForm(request.POST or None, instance=note) if editable else None
    addendum_form = AddendumForm(request.POST or None) if note.is_signed else None
    if request.method == "POST":
        if note.is_signed:
            if addendum_form is not None and addendum_form.is_valid():
                try:
                    services.note_addendum_add(
                        actor=request.user, note=note, text=addendum_form.cleaned_data["text"]
                    )
                except ValidationError as exc:
                    add_service_errors(addendum_form, exc)
                else:
                    messages.success(request, "Addendum added; the signed note is unchanged.")
                    return redirect("scheduling:note", note_id=note.id)
        elif not editable or form is None:
            raise PermissionDenied
        elif form.is_valid():
            try:
                services.note_update(
                    actor=request.user,
                    note=note,
                    **{name: form.cleaned_data[name] for name in ("data", "assessment", "plan")},
                )
            except (ValidationError, DomainError) as exc:
                form.add_error(None, getattr(exc, "message", str(exc)))
            else:
                if "sign" in request.POST:
                    return _sign(request, note)
                messages.success(request, "Draft saved.")
                return redirect("scheduling:note", note_id=note.id)
    return render(
        request,
        "scheduling/note.html",
        {
            "note": note,
            "form": form,
            "addendum_form": addendum_form,
            "session": note.session,
            "client": note.client,
            "zone": ZoneInfo(note.session.program.time_zone),
        },
    )
