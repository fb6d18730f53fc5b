from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.clients.selectors import client_get
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.pagination import paginate

from . import dashboard, services
from .config import rule_configs, rules_program_get
from .forms import DashboardFilterForm, RuleSettingsForm
from .models import Rule

PAGE = 50  # one audit INSERT per page even on SQLite (999 parameters)


def nav_items(request) -> list[NavItem]:
    if permissions.staff_program_ids(request.user, min_rank=permissions.Rank.COORDINATOR):
        return [NavItem(_("Aftercare"), reverse("earlywarning:dashboard"), order=30)]
    return []


def _coordinator_required(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not permissions.staff_program_ids(request.user, min_rank=permissions.Rank.COORDINATOR):
        raise PermissionDenied


@login_required
def caseload(request):
    """The coordinator dashboard: aftercare caseload, riskiest first."""
    _coordinator_required(request)
    form = DashboardFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    plans = dashboard.caseload_queryset(
        user=request.user,
        coordinator_id=request.user.id if filters.get("mine") else None,
        program_id=filters["program"].id if filters.get("program") else None,
        risk=filters.get("risk") or "",
        status=filters.get("status") or "",
        search=filters.get("q") or "",
    )
    page = paginate(request, plans, per_page=PAGE)
    rows = dashboard.caseload_rows(plans=list(page.object_list))
    audit_record_list(actor=request.user, objects=[r.client for r in rows], client_id_attr="id")
    # Program admins reach their programs' early-warning rules and reminder settings from here.
    administered = program_list_for_user(user=request.user, min_rank=permissions.Rank.ADMIN)
    return render(
        request,
        "earlywarning/caseload.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "administered": list(administered.order_by("name", "id")),
        },
    )


@login_required
def timeline(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not permissions.can_coordinate(request.user, client):
        raise PermissionDenied
    return render(
        request,
        "earlywarning/timeline.html",
        {"client": client, "entries": dashboard.client_timeline(client=client)},
    )


@login_required
def rule_settings(request, program_id: int):
    program = rules_program_get(user=request.user, program_id=program_id)
    current = rule_configs(program_id=program.id)
    form = RuleSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            rule.value: {
                "enabled": data[f"{rule.value}__enabled"],
                "params": {name: data[f"{rule.value}__{name}"] for name in config.params},
            }
            for rule, config in ((r, current[r.value]) for r in Rule)
        }
        try:
            services.rule_settings_update(actor=request.user, program=program, rules=changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Early-warning rules saved.")
            return redirect("earlywarning:rules", program_id=program.id)
    return render(request, "earlywarning/rules.html", {"form": form, "program": program})
