"""Booking, the session page, attendance, moving and cancelling."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from recoverypath.clients.views import staff_required
from recoverypath.core.audit import audit_record_list
from recoverypath.core.forms import add_service_errors

from .. import selectors, services
from ..forms import (
    AttendanceFormSet,
    BookingForm,
    CancelForm,
    MoveForm,
)
from ..permissions import can_book_session, can_take_attendance, can_write_session_notes

if TYPE_CHECKING:
    from ..services import AttendanceRow


def _local_dt(day: date, at, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


@staff_required
def book(request):
    form = BookingForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client = data["client"]
        try:
            session = services.session_book(
                actor=request.user,
                client=client,
                facilitator=data["facilitator"],
                session_type=data["session_type"],
                starts_at=_local_dt(data["date"], data["time"], client.program.time_zone),
                duration_minutes=data["duration_minutes"],
                room=data["room"],
                telehealth_url=data["telehealth_url"],
                modality=data["modality"] or None,
                call_details=data["call_details"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session booked.")
            for warning in selectors.session_booking_warnings(
                client=client, starts_at=session.starts_at
            ):
                messages.warning(request, warning)
            return redirect("scheduling:session", session_id=session.id)
    # The client picker names every client the user may book for: each is a client shown.
    audit_record_list(
        actor=request.user,
        objects=form.fields["client"].queryset.only("id", "organization_id"),
        client_id_attr="pk",
    )
    return render(request, "scheduling/book.html", {"form": form})


def _session_context(request, session, **extra):
    roster = selectors.session_roster(session=session)
    attendance = {a.client_id: a for a in session.attendance.all()}
    notes = {n.client_id: n for n in session.notes.all()}
    zone = ZoneInfo(session.program.time_zone)
    rows = [
        {"client": c, "attendance": attendance.get(c.id), "note": notes.get(c.id)} for c in roster
    ]
    audit_record_list(actor=request.user, objects=roster, client_id_attr="id")
    return {
        "session": session,
        "rows": rows,
        "zone": zone,
        "can_take_attendance": can_take_attendance(request.user, session),
        "can_book": can_book_session(request.user, session.program_id),
        "can_write_notes": can_write_session_notes(request.user, session),
        **extra,
    }


@staff_required
def session_detail(request, session_id: int):
    session = selectors.session_get(user=request.user, session_id=session_id)
    return render(request, "scheduling/session_detail.html", _session_context(request, session))


@staff_required
def session_attendance(request, session_id: int):
    """One form for the whole session: a row per client."""
    session = selectors.session_get(user=request.user, session_id=session_id)
    if not can_take_attendance(request.user, session):
        raise PermissionDenied
    roster = selectors.session_roster(session=session)
    recorded = {a.client_id: a for a in session.attendance.all()}
    initial = [
        {
            "client_id": c.id,
            "status": recorded[c.id].status if c.id in recorded else "present",
            "minutes_attended": (
                recorded[c.id].minutes_attended if c.id in recorded else session.duration_minutes
            ),
            "note": recorded[c.id].note if c.id in recorded else "",
        }
        for c in roster
    ]
    formset = AttendanceFormSet(
        request.POST or None, initial=initial, prefix="att", form_kwargs={"user": request.user}
    )
    if request.method == "POST" and formset.is_valid():
        rows: list[AttendanceRow] = [
            {
                "client_id": f.cleaned_data["client_id"].id,
                "status": f.cleaned_data["status"],
                "minutes_attended": f.cleaned_data.get("minutes_attended"),
                "note": f.cleaned_data.get("note", ""),
            }
            for f in formset.forms
        ]
        try:
            services.attendance_record(actor=request.user, session=session, rows=rows)
        except ValidationError as exc:
            formset_errors = exc.messages
            messages.error(request, " ".join(formset_errors))
        else:
            messages.success(request, "Attendance saved.")
            return redirect("scheduling:session", session_id=session.id)
    names = {c.id: c for c in roster}
    pairs = [(form, names.get(form.initial.get("client_id", 0))) for form in formset.forms]
    return render(
        request,
        "scheduling/attendance_form.html",
        {
            "session": session,
            "formset": formset,
            "pairs": pairs,
            "zone": ZoneInfo(session.program.time_zone),
        },
    )


@staff_required
def session_move(request, session_id: int):
    session = selectors.session_get(user=request.user, session_id=session_id)
    if not can_book_session(request.user, session.program_id):
        raise PermissionDenied
    zone = session.program.time_zone
    local = session.starts_at.astimezone(ZoneInfo(zone))
    form = MoveForm(
        request.POST or None,
        user=request.user,
        session=session,
        initial={
            "date": local.date(),
            "time": local.time(),
            "duration_minutes": session.duration_minutes,
            "room": session.room_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_move(
                actor=request.user,
                session=session,
                starts_at=_local_dt(data["date"], data["time"], zone),
                duration_minutes=data["duration_minutes"],
                room=data["room"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session moved.")
            return redirect("scheduling:session", session_id=session.id)
    return render(
        request,
        "scheduling/session_form.html",
        {"form": form, "session": session, "title": "Move session", "submit": "Move"},
    )


@staff_required
def session_cancel(request, session_id: int):
    session = selectors.session_get(user=request.user, session_id=session_id)
    if not can_book_session(request.user, session.program_id):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                actor=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session cancelled.")
            return redirect("scheduling:session", session_id=session.id)
    return render(
        request,
        "scheduling/session_form.html",
        {"form": form, "session": session, "title": "Cancel session", "submit": "Cancel session"},
    )
