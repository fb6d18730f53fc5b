from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from recoverypath.accounts.models import User
from recoverypath.accounts.selectors import program_list_for_user, staff_colleagues
from recoverypath.clients.selectors import client_for_user_account, client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, audit_record_list
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.hooks.todo import TodoItem
from recoverypath.core.timezones import local_today

from . import access, ical, selectors, services
from .forms import (
    AddendumForm,
    AttendanceFormSet,
    BookingForm,
    CancelForm,
    EnrollClientForm,
    GroupForm,
    HolidayForm,
    MoveForm,
    NoteForm,
)

# --- Registries ---------------------------------------------------------------------------------


def nav_items(request) -> list[NavItem]:
    if not permissions.is_staff_member(request.user):
        return []
    return [
        NavItem("My day", reverse("scheduling:day"), order=20),
        NavItem("Groups", reverse("scheduling:groups"), order=25),
    ]


def todo_items(user) -> list[TodoItem]:
    """Draft notes older than 72 hours: sign them."""
    return [
        TodoItem(
            label=f"Sign the note for {note.client.display_name} ({note.session.title}, "
            f"{selectors.session_local_date(note.session):%b %d})",
            url=reverse("scheduling:note", args=[note.id]),
            kind="scheduling.unsigned_note",
            priority="high",
            due=note.created_at + timedelta(hours=selectors.UNSIGNED_NOTE_HOURS),
            client_name=note.client.display_name,
            client_id=note.client_id,
        )
        for note in selectors.notes_unsigned_overdue(user=user)
    ]


def client_panel(request, client) -> str:
    """Attendance rate, hours per week vs the program's requirement, upcoming sessions, notes."""
    if permissions.is_client_user(request.user, client):
        return ""
    summary = selectors.attendance_summary(client=client)
    return render_to_string(
        "scheduling/_client_panel.html",
        {
            "client": client,
            "summary": summary,
            "upcoming": selectors.client_upcoming_sessions(client=client, limit=5),
            "recent": selectors.attendance_for_client(client=client, limit=8),
            "notes": selectors.notes_for_client(user=request.user, client=client),
            "zone": ZoneInfo(client.program.time_zone),
            "can_book": access.can_book(request.user, client.program_id),
        },
        request=request,
    )


def home_section(request, client) -> str:
    """The client's own next sessions on /me/, in their time zone."""
    if not permissions.is_client_user(request.user, client):
        return ""
    return render_to_string(
        "scheduling/_home_section.html",
        {
            "upcoming": selectors.client_upcoming_sessions(client=client, limit=6),
            "zone": ZoneInfo(client.time_zone),
        },
        request=request,
    )


# --- Calendars ----------------------------------------------------------------------------------


def _zone(user) -> str:
    return user.display_time_zone or "UTC"


def _clinician(request) -> User:
    """The viewer, or the colleague named by ?clinician= (someone sharing a program), else 404."""
    clinician_id = request.GET.get("clinician")
    if not clinician_id:
        return request.user
    if not clinician_id.isdigit():
        raise Http404
    clinician = staff_colleagues(user=request.user).filter(pk=int(clinician_id)).first()
    if clinician is None:
        raise Http404
    return clinician


def _day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return local_today(_zone(request.user))


def _calendar(request, days: int, template: str):
    clinician = _clinician(request)
    day = _day(request)
    if days == 7:
        day -= timedelta(days=day.weekday())
    zone = _zone(request.user)
    calendar = selectors.clinician_calendar(
        user=request.user, clinician=clinician, start_day=day, days=days, zone=zone
    )
    sessions = [s for d in calendar for s in d.sessions]
    audit_record_list(actor=request.user, objects=[s for s in sessions if s.client_id])
    return render(
        request,
        template,
        {
            "clinician": clinician,
            "day": day,
            "calendar": calendar,
            "zone": ZoneInfo(zone),
            "previous": day - timedelta(days=days),
            "next": day + timedelta(days=days),
            "colleagues": staff_colleagues(user=request.user),
        },
    )


@staff_required
def day_view(request):
    return _calendar(request, 1, "scheduling/day.html")


@staff_required
def week_view(request):
    return _calendar(request, 7, "scheduling/week.html")


# --- Groups -------------------------------------------------------------------------------------


@staff_required
def group_list(request):
    groups = selectors.group_list(user=request.user)
    can_create = bool(
        permissions.staff_program_ids(request.user, min_rank=permissions.Rank.CLINICIAN)
    )
    return render(request, "scheduling/groups.html", {"groups": groups, "can_create": can_create})


@staff_required
def group_create(request):
    if not permissions.staff_program_ids(request.user, min_rank=permissions.Rank.CLINICIAN):
        raise PermissionDenied
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        program = data.pop("program")
        try:
            group = services.group_create(actor=request.user, program=program, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{group.name} created; sessions are on the calendar.")
            return redirect("scheduling:group", group_id=group.id)
    return render(request, "scheduling/group_form.html", {"form": form})


@staff_required
def group_detail(request, group_id: int):
    group = selectors.group_get(user=request.user, group_id=group_id)
    enrolled, waitlist = selectors.group_roster(group=group)
    audit_record_list(actor=request.user, objects=[*enrolled, *waitlist])
    form = EnrollClientForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = services.group_enroll(
                actor=request.user,
                group=group,
                client=form.cleaned_data["client"],
                waitlist=form.cleaned_data["waitlist"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{enrollment.client.display_name}: {enrollment.get_status_display().lower()}.",
            )
            return redirect("scheduling:group", group_id=group.id)
    zone = ZoneInfo(group.program.time_zone)
    start = datetime.now(tz=zone) - timedelta(days=7)
    sessions = selectors.session_list(
        user=request.user, start=start, end=start + timedelta(days=35), program_id=group.program_id
    ).filter(group=group)
    return render(
        request,
        "scheduling/group_detail.html",
        {
            "group": group,
            "enrolled": enrolled,
            "waitlist": waitlist,
            "form": form,
            "sessions": sessions,
            "zone": zone,
            "can_book": access.can_book(request.user, group.program_id),
        },
    )


@require_POST
@staff_required
def enrollment_end(request, enrollment_id: int):
    enrollment = (
        selectors.enrollment_queryset_for_user(user=request.user).filter(pk=enrollment_id).first()
    )
    if enrollment is None:
        raise Http404
    try:
        services.group_leave(actor=request.user, enrollment=enrollment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{enrollment.client.display_name} left {enrollment.group}.")
    return redirect("scheduling:group", group_id=enrollment.group_id)


@staff_required
def holidays(request):
    program_ids = permissions.staff_program_ids(request.user, min_rank=permissions.Rank.ADMIN)
    if not program_ids:
        raise PermissionDenied
    requested = request.GET.get("program") or str(min(program_ids))
    if not requested.isdigit() or int(requested) not in program_ids:
        raise Http404  # another program, or not an id at all: never a hint, never a 500
    program = program_list_for_user(user=request.user, min_rank=permissions.Rank.ADMIN).get(
        pk=int(requested)
    )
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.holiday_add(
                actor=request.user,
                program=program,
                day=form.cleaned_data["date"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Holiday added; that day's group sessions are cancelled.")
            return redirect(reverse("scheduling:holidays") + f"?program={program.id}")
    return render(
        request,
        "scheduling/holidays.html",
        {
            "form": form,
            "program": program,
            "holidays": selectors.holiday_list(user=request.user, program_id=program.id),
        },
    )


# --- Sessions -----------------------------------------------------------------------------------


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
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session booked.")
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
        "can_take_attendance": access.can_take_attendance(request.user, session),
        "can_book": access.can_book(request.user, session.program_id),
        "can_write_notes": permissions.has_rank(
            request.user, session.program_id, permissions.Rank.CLINICIAN
        ),
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
    if not access.can_take_attendance(request.user, session):
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
        rows = [
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
    pairs = [(form, names.get(form.initial.get("client_id"))) for form in formset.forms]
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
    if not access.can_book(request.user, session.program_id):
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
    if not access.can_book(request.user, session.program_id):
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


# --- Notes --------------------------------------------------------------------------------------


@staff_required
def note_new(request, session_id: int, client_id: int):
    session = selectors.session_get(user=request.user, session_id=session_id)
    client = client_get(user=request.user, client_id=client_id)
    if not access.can_write_notes(request.user, client):
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
            if addendum_form.is_valid():
                try:
                    services.note_addendum_add(
                        actor=request.user, note=note, text=addendum_form.cleaned_data["text"]
                    )
                except ValidationError as exc:
                    add_service_errors(addendum_form, exc)
                else:
                    messages.success(request, "Addendum added; the signed note is unchanged.")
                    return redirect("scheduling:note", note_id=note.id)
        elif not editable:
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


# --- iCalendar ----------------------------------------------------------------------------------


def _ics(name: str, body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


def _window():
    from django.utils import timezone

    now = timezone.now()
    return now - timedelta(days=30), now + timedelta(days=90)


@staff_required
def client_calendar_ics(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    start, end = _window()
    sessions = selectors.client_sessions(client=client, start=start, end=end)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        obj=client,
        client_id=client.id,
        organization_id=client.organization_id,
        changes={"format": [None, "ics"]},
    )
    return _ics(f"sessions-{client.id}", ical.calendar_for(sessions, name="Sessions"))


@login_required
def my_calendar_ics(request):
    """The logged-in client's own sessions, or a staff member's own facilitated sessions."""
    start, end = _window()
    client = client_for_user_account(user=request.user)
    if client is not None:
        sessions = selectors.client_sessions(client=client, start=start, end=end)
        audit_record(
            actor=request.user,
            action=Action.EXPORT,
            obj=client,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"format": [None, "ics"]},
        )
        return _ics("my-sessions", ical.calendar_for(sessions, name="My sessions", private=True))
    if not permissions.is_staff_member(request.user):
        raise Http404
    sessions = list(
        selectors.session_list(
            user=request.user, start=start, end=end, facilitator_id=request.user.id
        )
    )
    # The feed gives each individual session's time (not the client's name): still a client's
    # appointment, so each is recorded as exported.
    audit_record_list(
        actor=request.user, objects=[s for s in sessions if s.client_id], action=Action.EXPORT
    )
    return _ics("my-sessions", ical.calendar_for(sessions, name="My sessions"))
