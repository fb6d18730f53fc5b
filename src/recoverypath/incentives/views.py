"""Rewards pages: the client's earnings on their phone, the staff page (award, redeem), the
program's schedule, and the sections other apps' pages show."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.clients.selectors import client_get, own_client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem

from . import selectors, services
from .forms import AwardForm, RedemptionForm, ScheduleForm
from .permissions import (
    can_award_rewards,
    can_configure_rewards,
    can_read_rewards,
    can_record_redemption,
)
from .services import SCHEDULE_FIELDS


def nav_items(request) -> list[NavItem]:
    if not permissions.staff_program_ids(request.user, min_rank=permissions.Rank.CLINICIAN):
        return []
    return [NavItem(_("Rewards"), reverse("incentives:schedules"), order=47)]


def home_section(request, client) -> str:
    """The client's phone: what they have earned, the balance, and what comes next."""
    summary = selectors.client_summary(user=request.user, client=client, limit=3)
    if not summary.active and not summary.awards:
        return ""
    return render_to_string("incentives/_home_section.html", {"summary": summary}, request=request)


def client_panel(request, client) -> str:
    if not can_read_rewards(request.user, client):
        return ""
    summary = selectors.client_summary(user=request.user, client=client, limit=5)
    if not summary.active and not summary.awards:
        return ""
    return render_to_string(
        "incentives/_client_panel.html", {"client": client, "summary": summary}, request=request
    )


def _page(request, client, *, award_form=None, redemption_form=None, status=200):
    if not can_read_rewards(request.user, client):
        raise Http404
    summary = selectors.client_summary(user=request.user, client=client)
    return render(
        request,
        "incentives/client.html",
        {
            "client": client,
            "summary": summary,
            "can_award": can_award_rewards(request.user, client),
            "can_redeem": can_record_redemption(request.user, client),
            "award_form": award_form or AwardForm(),
            "redemption_form": redemption_form or RedemptionForm(),
        },
        status=status,
    )


@staff_required
def client_rewards(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    return _page(request, client)


@staff_required
@require_POST
def award_record(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not can_award_rewards(request.user, client):
        raise Http404
    form = AwardForm(request.POST)
    if form.is_valid():
        try:
            award = services.award_record(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if award is None:
                messages.info(
                    request,
                    "Nothing to reward: not rewarded by the program, or not verified yet.",
                )
            else:
                messages.success(request, _("Recorded: %(award)s.") % {"award": award})
            return redirect("incentives:client", client.id)
    return _page(request, client, award_form=form, status=400)


@staff_required
@require_POST
def redemption_record(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not can_record_redemption(request.user, client):
        raise Http404
    form = RedemptionForm(request.POST)
    if form.is_valid():
        try:
            services.redemption_record(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Redemption recorded."))
            return redirect("incentives:client", client.id)
    return _page(request, client, redemption_form=form, status=400)


@login_required
def my_rewards(request):
    client = own_client_get(user=request.user)
    summary = selectors.client_summary(user=request.user, client=client, limit=50)
    return render(request, "incentives/mine.html", {"client": client, "summary": summary})


@staff_required
def schedules(request):
    programs = list(selectors.configurable_programs(user=request.user))
    if not programs:
        raise Http404
    return render(
        request,
        "incentives/schedules.html",
        {"rows": [(p, selectors.schedule_for(program_id=p.id)) for p in programs]},
    )


@staff_required
def schedule_edit(request, program_id: int):
    program = next(
        (p for p in selectors.configurable_programs(user=request.user) if p.id == program_id), None
    )
    if program is None or not can_configure_rewards(request.user, program_id):
        raise Http404
    current = selectors.schedule_for(program_id=program_id)
    if current is not None:
        audit_record(
            actor=request.user,
            action=Action.READ,
            obj=current,
            organization_id=program.organization_id,
        )
    form = ScheduleForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in SCHEDULE_FIELDS}
        try:
            services.schedule_configure(actor=request.user, program=program, **values)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Reward schedule saved."))
            return redirect("incentives:schedules")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "incentives/schedule.html", {"program": program, "form": form}, status=status
    )
