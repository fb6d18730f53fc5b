"""Groups, their rosters and waitlists, and program holidays."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.forms import add_service_errors
from recoverypath.core.modality import SupportGroupTag

from .. import selectors, services
from ..forms import (
    EnrollClientForm,
    GroupForm,
    HolidayForm,
)
from ..permissions import can_book_session, can_create_groups


@staff_required
def group_list(request):
    tag = request.GET.get("tag", "")
    if tag not in SupportGroupTag.values:
        tag = ""
    groups = selectors.group_list(user=request.user, tag=tag)
    can_create = can_create_groups(request.user)
    return render(
        request,
        "scheduling/groups.html",
        {
            "groups": groups,
            "can_create": can_create,
            "tag": tag,
            "tag_choices": SupportGroupTag.choices,
        },
    )


@staff_required
def group_create(request):
    if not can_create_groups(request.user):
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
            "can_book": can_book_session(request.user, group.program_id),
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
