from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.errors import ConflictError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.hooks.todo import TodoItem
from recoverypath.core.pagination import paginate

from . import selectors, services
from .forms import AssignForm, EscalationPolicyForm, InboxFilterForm, ResolveForm
from .models import Alert

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

POLL_SECONDS = 5


def _open_count(request) -> int:
    """The viewer's open-alert count, counted once per request (the inbox and the nav badge)."""
    if not hasattr(request, "_alerts_open_count"):
        request._alerts_open_count = selectors.alert_open_count(user=request.user)
    return request._alerts_open_count


def nav_items(request) -> list[NavItem]:
    if not selectors.alert_program_ids(user=request.user):
        return []
    count = _open_count(request)
    return [
        NavItem(
            _("Alerts"),
            reverse("alerts:inbox"),
            order=15,
            badge=count or None,
            badge_label=_("open alerts"),
        )
    ]


def client_panel(request, client) -> str:
    """The client page's alert history (coordinators, clinicians and admins only)."""
    if not permissions.can_coordinate(request.user, client):
        return ""
    alerts = list(selectors.alert_history_for_client(user=request.user, client=client))
    audit_record_list(actor=request.user, objects=alerts, organization_id=client.organization_id)
    return render_to_string(
        "alerts/_client_panel.html", {"alerts": alerts, "client": client}, request=request
    )


TODO_PRIORITY = {"critical": "urgent", "high": "urgent", "medium": "high", "low": "normal"}


def todo_items(user: User) -> list[TodoItem]:
    """ "No care team" for every open alert of a client without clinician or coordinator, on the
    list of every clinician of the program (one query)."""
    return [
        TodoItem(
            label=f"No care team: {alert.get_severity_display().lower()} alert "
            f"({alert.kind_label}); give the client a clinician or coordinator",
            url=reverse("alerts:detail", args=[alert.id]),
            kind="alerts.no_care_team",
            priority=TODO_PRIORITY[alert.severity],
            due=alert.raised_at,
            client_name=alert.client.display_name,
        )
        for alert in selectors.alerts_without_care_team(user=user)
    ]


def alerts_required(view):
    """Alert pages: a logged-in coordinator, clinician or admin of some program, else 403."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.alert_program_ids(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@alerts_required
def inbox(request):
    form = InboxFilterForm(request.GET or None, user=request.user)
    alerts = selectors.alert_inbox(user=request.user, **form.filters(request.user))
    page = paginate(request, alerts)
    audit_record_list(actor=request.user, objects=page.object_list)
    open_count = _open_count(request)
    context = {
        "form": form,
        "page": page,
        "open_count": open_count,
        "shown_count": open_count,
        "poll_seconds": POLL_SECONDS,
        "can_edit_policy": bool(
            permissions.staff_program_ids(request.user, min_rank=permissions.Rank.ADMIN)
        ),
    }
    template = "alerts/_inbox_table.html" if request.htmx else "alerts/inbox.html"
    return render(request, template, context)


@alerts_required
def open_count(request):
    """The inbox's live count (polled by HTMX); offers a reload when it changed."""
    shown = request.GET.get("shown", "")
    count = selectors.alert_open_count(user=request.user)
    return render(
        request,
        "alerts/_open_count.html",
        {
            "open_count": count,
            "shown_count": int(shown) if shown.isdigit() else count,
            "poll_seconds": POLL_SECONDS,
        },
    )


@alerts_required
@require_POST
def acknowledge_many(request):
    ids = [int(v) for v in request.POST.getlist("alert") if v.isdigit()][:100]
    alerts = list(
        selectors.alert_queryset_for_user(user=request.user)
        .filter(id__in=ids)
        .select_related("client")
    )
    done = services.alert_acknowledge_many(actor=request.user, alerts=alerts)
    if done:
        messages.success(request, f"Acknowledged {done} alert{'s' if done != 1 else ''}.")
    else:
        messages.warning(request, "Choose at least one open alert to acknowledge.")
    return redirect(_back_to_inbox(request))


def _back_to_inbox(request) -> str:
    query = request.POST.get("next_query", "")
    url = reverse("alerts:inbox")
    return f"{url}?{query}" if query and "\n" not in query and "//" not in query else url


def _detail_context(request, alert: Alert, **extra) -> dict:
    return {
        "alert": alert,
        "events": selectors.alert_events(alert=alert),
        "assign_form": extra.pop(
            "assign_form",
            AssignForm(
                user=request.user,
                initial={"assignee": alert.assignee_id},
                choices=selectors.alert_assignee_choices(program_id=alert.client.program_id),
            ),
        ),
        "resolve_form": extra.pop("resolve_form", ResolveForm()),
        **extra,
    }


@alerts_required
def alert_detail(request, alert_id: int):
    alert = selectors.alert_get(user=request.user, alert_id=alert_id)
    return render(request, "alerts/alert_detail.html", _detail_context(request, alert))


@alerts_required
@require_POST
def alert_acknowledge(request, alert_id: int):
    alert = selectors.alert_get(user=request.user, alert_id=alert_id, audit=False)
    try:
        services.alert_acknowledge(actor=request.user, alert=alert)
    except ConflictError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, "Alert acknowledged.")
    return redirect("alerts:detail", alert_id=alert.id)


@alerts_required
@require_POST
def alert_assign(request, alert_id: int):
    alert = selectors.alert_get(user=request.user, alert_id=alert_id, audit=False)
    form = AssignForm(
        request.POST,
        user=request.user,
        choices=selectors.alert_assignee_choices(program_id=alert.client.program_id),
    )
    if form.is_valid():
        try:
            services.alert_assign(
                actor=request.user, alert=alert, assignee=form.cleaned_data["assignee"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            messages.warning(request, exc.message)
            return redirect("alerts:detail", alert_id=alert.id)
        else:
            messages.success(request, "Alert assigned.")
            return redirect("alerts:detail", alert_id=alert.id)
    return render(
        request,
        "alerts/alert_detail.html",
        _detail_context(request, alert, assign_form=form),
        status=400,
    )


@alerts_required
@require_POST
def alert_resolve(request, alert_id: int):
    alert = selectors.alert_get(user=request.user, alert_id=alert_id, audit=False)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.alert_resolve(actor=request.user, alert=alert, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            messages.warning(request, exc.message)
            return redirect("alerts:detail", alert_id=alert.id)
        else:
            messages.success(request, "Alert resolved.")
            return redirect("alerts:detail", alert_id=alert.id)
    return render(
        request,
        "alerts/alert_detail.html",
        _detail_context(request, alert, resolve_form=form),
        status=400,
    )


@login_required
def escalation_policies(request):
    rows = selectors.escalation_policies_for_user(user=request.user)
    if not rows:
        raise PermissionDenied
    return render(request, "alerts/escalation_policies.html", {"rows": rows})


@login_required
def escalation_policy_edit(request, program_id: int):
    program = selectors.escalation_program_get(user=request.user, program_id=program_id)
    policy = selectors.escalation_policy_for(program=program)
    form = EscalationPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_policy_update(
                actor=request.user, program=program, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Escalation policy of {program.name} saved.")
            return redirect("alerts:policies")
    return render(request, "alerts/escalation_policy_form.html", {"form": form, "program": program})
