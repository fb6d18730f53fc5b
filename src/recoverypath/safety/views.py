"""Safety plan pages: the client's own plan (one tap from home), the clinician's plan editor with
every version, printing, and the "I need help now" page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.accounts.languages import recipient_language
from recoverypath.clients import selectors as client_selectors
from recoverypath.clients.pwa import offline_page
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.help import help_actions_html, help_requests_handle
from recoverypath.core.hooks.todo import TodoItem
from recoverypath.core.pdf import pdf_render

from . import permissions as rules
from . import selectors, services
from .forms import SafetyPlanForm, SafetyProfileForm, SafetyReviewForm
from .models import SECTION_FIELDS

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

PRINT_CSS = Path(__file__).resolve().parent / "static" / "safety" / "print.css"


def crisis_context(client) -> dict:
    """What the crisis partial needs (contract: safety/_crisis_resources.html)."""
    return {
        "crisis_resources": selectors.crisis_resources(program=client.program),
        "client": client,
        "emergency_contacts": client_selectors.emergency_contacts(client=client),
        "safety_plan": selectors.safety_plan_current(client=client),
    }


def _staff_client(request, client_id: int, *, write: bool = False):
    client = client_selectors.client_get(user=request.user, client_id=client_id)
    allowed = (
        rules.can_write_safety_plan(request.user, client)
        if write
        else permissions.can_view_clinical_record(request.user, client)
    )
    if not allowed:
        raise PermissionDenied
    return client


def _audit_plan_read(user: User, client, plan) -> None:
    if plan is not None:
        audit_record(
            actor=user,
            action=Action.READ,
            obj=plan,
            client_id=client.id,
            organization_id=client.organization_id,
        )


# ---- the client's own pages -----------------------------------------------------------------
@login_required
@offline_page
def my_plan(request):
    client = client_selectors.own_client_get(user=request.user)
    context = crisis_context(client)
    _audit_plan_read(request.user, client, context["safety_plan"])
    return render(
        request, "safety/my_plan.html", {**context, "print_url": reverse("safety:my_plan_print")}
    )


@login_required
def my_plan_print(request):
    client = client_selectors.own_client_get(user=request.user)
    context = crisis_context(client)
    _audit_plan_read(request.user, client, context["safety_plan"])
    return _pdf_or_page(request, "safety/plan_print.html", context)


@login_required
@offline_page
def my_help(request):
    """The one "I need help now" page, for every client with a login.

    POST (the red button, anywhere it is shown): the apps that record a press (see
    core.hooks.help) tell the care team and say where to show the client who was told.
    GET: what they registered (who was told, or the button) above the crisis resources: 988, the
    crisis text line, emergency contacts and the client's safety plan."""
    client = client_selectors.own_client_get(user=request.user)
    if request.method == "POST":
        return redirect(help_requests_handle(request, client) or "safety:my_help")
    context = crisis_context(client)
    _audit_plan_read(request.user, client, context["safety_plan"])
    context["help_actions"] = help_actions_html(request, client)
    return render(request, "safety/help.html", context)


# ---- staff pages ----------------------------------------------------------------------------
@staff_required
def plan(request, client_id: int):
    client = _staff_client(request, client_id)
    versions = list(selectors.safety_plan_versions(client=client))
    current = versions[0] if versions else None
    _audit_plan_read(request.user, client, current)
    profile = selectors.safety_profile_get(client=client)
    return render(
        request,
        "safety/plan.html",
        {
            "client": client,
            "safety_plan": current,
            "versions": versions,
            "profile": profile,
            "profile_form": SafetyProfileForm(
                initial={
                    "history_of_self_harm": bool(profile and profile.history_of_self_harm),
                    "note": profile.note if profile else "",
                }
            ),
            "required": selectors.safety_plan_required(client=client),
            "open_events": list(selectors.safety_events_open(client=client)),
            "can_write": rules.can_write_safety_plan(request.user, client),
        },
    )


@staff_required
def plan_version(request, client_id: int, version: int):
    client = _staff_client(request, client_id)
    shown = selectors.safety_plan_version_get(client=client, version=version)
    if shown is None:
        raise Http404
    _audit_plan_read(request.user, client, shown)
    return render(request, "safety/plan_version.html", {"client": client, "safety_plan": shown})


@staff_required
def plan_print(request, client_id: int):
    client = _staff_client(request, client_id)
    context = crisis_context(client)
    _audit_plan_read(request.user, client, context["safety_plan"])
    # The printed plan is the client's: in their language, whoever prints it.
    with translation.override(recipient_language(client.user)):
        return _pdf_or_page(request, "safety/plan_print.html", context)


@staff_required
def plan_edit(request, client_id: int):
    client = _staff_client(request, client_id, write=True)
    current = selectors.safety_plan_current(client=client)
    initial = {name: getattr(current, name) for name in SECTION_FIELDS} if current else {}
    form = SafetyPlanForm(request.POST or None, initial={**initial, "written_with_client": True})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.safety_plan_create(
                actor=request.user, client=client, **form.cleaned_data
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Safety plan version %(version)s saved.") % {"version": created.version}
            )
            return redirect("safety:plan", client_id=client.id)
    return render(
        request, "safety/plan_form.html", {"form": form, "client": client, "current": current}
    )


@require_POST
@staff_required
def profile_set(request, client_id: int):
    client = _staff_client(request, client_id, write=True)
    form = SafetyProfileForm(request.POST)
    if form.is_valid():
        services.safety_profile_set(actor=request.user, client=client, **form.cleaned_data)
        messages.success(request, _("Safety profile saved."))
    return redirect("safety:plan", client_id=client.id)


@require_POST
@staff_required
def review_complete(request, event_id: int):
    event = selectors.safety_event_get(user=request.user, event_id=event_id)
    client = _staff_client(request, event.client_id, write=True)
    form = SafetyReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.safety_review_complete(actor=request.user, event=event, note=note)
    except DomainError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("Safety plan review recorded."))
    return redirect("safety:plan", client_id=client.id)


def _pdf_or_page(request, template: str, context: dict) -> HttpResponse:
    """The printable plan as a page (print CSS), or as a PDF with ?format=pdf (WeasyPrint)."""
    if request.GET.get("format") != "pdf":
        return render(request, template, context)
    from weasyprint import CSS  # imported late: heavy, and only needed for a download

    html = render_to_string(template, {**context, "pdf": True}, request=request)
    pdf = pdf_render(  # tagged PDF/UA-1 on the program's paper (core.pdf)
        html,
        paper_size=context["client"].program.paper_size,
        base_url=request.build_absolute_uri("/"),
        stylesheets=[CSS(filename=PRINT_CSS)],  # the page's own print.css, read from disk
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="safety-plan.pdf"'
    return response


# ---- extension points -----------------------------------------------------------------------
def home_section(request, client) -> str:
    """On the client's home page: their safety plan and help, one tap away, always."""
    has_plan = selectors.safety_plan_current(client=client) is not None
    return render_to_string(
        "safety/_home_section.html", {"client": client, "has_plan": has_plan}, request=request
    )


def client_panel(request, client) -> str:
    if not permissions.can_view_clinical_record(request.user, client):
        return ""
    current = selectors.safety_plan_current(client=client)
    return render_to_string(
        "safety/_client_panel.html",
        {
            "client": client,
            "safety_plan": current,
            "required": selectors.safety_plan_required(client=client),
            "open_reviews": selectors.safety_events_open(client=client).count(),
        },
        request=request,
    )


def todo_items(user: User) -> list[TodoItem]:
    """ "Review safety plan" for every open safety event the user owes (one query)."""
    if not permissions.is_staff_member(user):
        return []
    return [
        TodoItem(
            label="Review safety plan",
            url=reverse("safety:plan", kwargs={"client_id": event.client_id}),
            kind="safety.review_safety_plan",
            priority="urgent",
            due=event.occurred_at,
            client_name=event.client.display_name,
            client_id=event.client_id,
        )
        for event in selectors.safety_reviews_due(user=user)
    ]
