"""Alumni pages: the client's community page (join, news, events, fellow members by first name,
mentors, help), and the staff page (moderation, approvals, news, events)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.clients.selectors import own_client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.hooks.navigation import NavItem

from . import selectors, services
from .forms import AnnouncementForm, EventForm
from .models import Member, MentorOffer

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from recoverypath.accounts.models import Program, User


def nav_items(request) -> list[NavItem]:
    if not permissions.staff_program_ids(request.user, min_rank=permissions.Rank.COORDINATOR):
        return []
    return [NavItem(_("Alumni"), reverse("alumni:staff"), order=70)]


def home_section(request, client) -> str:
    from django.template.loader import render_to_string

    if not services.finished_iop(client):
        return ""
    member = selectors.member_for(client=client)
    return render_to_string("alumni/_home_section.html", {"member": member}, request=request)


def _flash(request, exc: Exception) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


@login_required
def community(request):
    client = own_client_get(user=request.user)
    member = selectors.member_for(client=client)
    active = member is not None and member.status == Member.Status.ACTIVE
    context = {
        "client": client,
        "member": member,
        "active": active,
        "eligible": services.finished_iop(client),
        "mentors": selectors.mentors_available(
            program_id=client.program_id, exclude_client_id=client.id
        ),
        "matches": [
            (m, m.offer.member.client_id == client.id)
            for m in selectors.matches_for_client(client=client)
        ],
    }
    if active:
        context.update(
            {
                "announcements": selectors.announcements(program_id=client.program_id),
                "events": list(selectors.events_upcoming(program_id=client.program_id)),
                "going": selectors.events_going(member=member),
                "directory": selectors.directory(member=member),
                "offer": selectors.open_offer(member=member),
            }
        )
    return render(request, "alumni/community.html", context)


def _member(request) -> Member:
    client = own_client_get(user=request.user)
    member = selectors.member_for(client=client)
    if member is None:
        raise Http404
    return member


@login_required
@require_POST
def join(request):
    client = own_client_get(user=request.user)
    try:
        services.member_join(
            actor=request.user,
            client=client,
            listed=request.POST.get("listed") == "on",
            about=request.POST.get("about", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect("alumni:community")


@login_required
@require_POST
def leave(request):
    try:
        services.member_leave(actor=request.user, member=_member(request))
    except PermissionDenied as exc:
        _flash(request, exc)
    return redirect("alumni:community")


@login_required
@require_POST
def volunteer(request):
    try:
        services.mentor_volunteer(
            actor=request.user, member=_member(request), note=request.POST.get("note", "")
        )
        messages.success(request, _("Thank you. Staff will look at your offer."))
    except PermissionDenied as exc:
        _flash(request, exc)
    return redirect("alumni:community")


@login_required
@require_POST
def ask(request, offer_id: int):
    client = own_client_get(user=request.user)
    offer = get_object_or_404(
        MentorOffer.objects.select_related("member"),
        pk=offer_id,
        member__program_id=client.program_id,
    )
    try:
        services.mentor_ask(actor=request.user, client=client, offer=offer)
        messages.success(request, _("Asked. You will see the match once they and staff agree."))
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect("alumni:community")


@login_required
@require_POST
def agree(request, match_id: int):
    member = _member(request)
    match = selectors.match_for_mentor(user=request.user, match_id=match_id)
    if match.offer.member_id != member.id:
        raise Http404
    try:
        services.mentor_agree(
            actor=request.user, match=match, agree=request.POST.get("agree") == "yes"
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect("alumni:community")


@login_required
@require_POST
def rsvp(request, event_id: int):
    member = _member(request)
    event = selectors.event_for_member(member=member, event_id=event_id)
    try:
        services.rsvp_set(
            actor=request.user, member=member, event=event, going=request.POST.get("going") == "yes"
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect("alumni:community")


@login_required
@require_POST
def help_ask(request):
    try:
        services.help_ask(
            actor=request.user, member=_member(request), message=request.POST.get("message", "")
        )
        messages.success(request, _("Your care team has been told and will reach out to you."))
    except PermissionDenied as exc:
        _flash(request, exc)
    return redirect("alumni:community")


# --- Staff -----------------------------------------------------------------------------------


def _programs(user: User) -> QuerySet[Program]:
    return program_list_for_user(user=user, min_rank=permissions.Rank.COORDINATOR).order_by("name")


@staff_required
def staff(request):
    programs = list(_programs(request.user))
    if not programs:
        raise Http404
    program = programs[0]
    wanted = request.GET.get("program", "")
    if wanted.isdigit():
        program = next((p for p in programs if p.id == int(wanted)), None)
        if program is None:
            raise Http404
    overview = selectors.staff_overview(user=request.user, program_id=program.id)
    return render(
        request,
        "alumni/staff.html",
        {
            "program": program,
            "programs": programs,
            **overview,
            "announcement_form": AnnouncementForm(),
            "event_form": EventForm(),
        },
    )


def _staff_redirect(program_id: int):
    return redirect(f"{reverse('alumni:staff')}?program={program_id}")


@staff_required
@require_POST
def offer_decide(request, offer_id: int):
    offer = selectors.offer_for_moderator(user=request.user, offer_id=offer_id)
    try:
        services.mentor_offer_decide(
            actor=request.user, offer=offer, approve=request.POST.get("approve") == "yes"
        )
    except ValidationError as exc:
        _flash(request, exc)
    return _staff_redirect(offer.member.program_id)


@staff_required
@require_POST
def match_decide(request, match_id: int):
    match = selectors.match_for_moderator(user=request.user, match_id=match_id)
    try:
        services.match_approve(
            actor=request.user, match=match, approve=request.POST.get("approve") == "yes"
        )
    except ValidationError as exc:
        _flash(request, exc)
    return _staff_redirect(match.mentee.program_id)


@staff_required
@require_POST
def member_suspend(request, member_id: int):
    member = selectors.member_for_moderator(user=request.user, member_id=member_id)
    try:
        services.member_suspend(
            actor=request.user, member=member, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _flash(request, exc)
    return _staff_redirect(member.program_id)


@staff_required
@require_POST
def announcement_post(request, program_id: int):
    program = get_object_or_404(_programs(request.user), pk=program_id)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        services.announcement_post(actor=request.user, program=program, **form.cleaned_data)
    else:
        messages.error(request, _("An announcement needs a title and a text."))
    return _staff_redirect(program.id)


@staff_required
@require_POST
def announcement_hide(request, item_id: int):
    item = selectors.announcement_for_moderator(user=request.user, item_id=item_id)
    services.announcement_hide(actor=request.user, item=item)
    return _staff_redirect(item.program_id)


@staff_required
@require_POST
def event_create(request, program_id: int):
    program = get_object_or_404(_programs(request.user), pk=program_id)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            services.event_create(actor=request.user, program=program, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
    else:
        messages.error(
            request,
            "Check the event: "
            + "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()),
        )
    return _staff_redirect(program.id)
