"""Testing pages: the client's testing record for staff, the client's own tests on their phone,
the program report (table, chart, CSV), and the sections other apps' pages show."""

from __future__ import annotations

import csv
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from recoverypath.clients.selectors import client_get, own_client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, audit_record_list
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.hooks.todo import TodoItem
from recoverypath.core.timezones import local_today

from . import selectors, services
from .chart import weekly_chart
from .forms import (
    CollectionForm,
    ExcuseForm,
    MedicationForm,
    PolicyForm,
    ReportForm,
    ResultForm,
    SelectionForm,
)
from .permissions import can_manage_testing, can_read_testing


def nav_items(request) -> list[NavItem]:
    if not permissions.staff_program_ids(request.user, min_rank=permissions.Rank.COORDINATOR):
        return []
    return [NavItem("Testing", reverse("testing:report"), order=45)]


def todo_items(user) -> list[TodoItem]:
    """ "Awaiting lab confirmation" for each presumptive positive sent to the lab (one query)."""
    if not permissions.is_staff_member(user):
        return []
    return [
        TodoItem(
            label=f"Lab confirmation awaited: {result.get_analyte_display()}",
            url=reverse("testing:client", args=[result.collection.client_id]),
            kind="testing.confirmation",
            priority="normal",
            due=result.sent_for_confirmation_at,
            client_name=result.collection.client.display_name,
        )
        for result in selectors.confirmations_awaited(user=user)[:100]
    ]


def home_section(request, client) -> str:
    """The client's home page: today's test, where to go and by when. Opening it is how the
    client learns they are selected, so rendering it marks the selection seen."""
    open_tests = selectors.selections_open(client=client)
    policy = selectors.policy_current(client=client)
    if not open_tests and policy is None:
        return ""
    if open_tests:
        services.selections_mark_seen(client=client)
    zone = ZoneInfo(client.program.time_zone)
    return render_to_string(
        "testing/_home_section.html",
        {
            "client": client,
            "open_tests": [
                (s, s.window_opens_at.astimezone(zone), s.window_closes_at.astimezone(zone))
                for s in open_tests
            ],
            "policy": policy,
        },
        request=request,
    )


def client_panel(request, client) -> str:
    """Staff client page: the latest tests and the negative streak (coordinators and above)."""
    if not can_read_testing(request.user, client):
        return ""
    summary = selectors.client_summary(client=client, limit=5)
    policy = selectors.policy_current(client=client)
    return render_to_string(
        "testing/_client_panel.html",
        {
            "client": client,
            "summary": summary if summary.rows or policy else None,
            "policy": policy,
        },
        request=request,
    )


def _staff_client(request, client_id: int, *, write: bool = False):
    client = client_get(user=request.user, client_id=client_id)
    allowed = can_manage_testing if write else can_read_testing
    if not allowed(request.user, client):
        raise PermissionDenied
    return client


def _page(request, client, **forms):
    panels = selectors.panels_for(program_id=client.program_id)
    policy = selectors.policy_current(client=client)
    summary = selectors.client_summary(client=client)
    selections = list(selectors.selection_list(client=client)[:30])
    audit_record_list(actor=request.user, objects=[r.collection for r in summary.rows])
    for row in summary.rows:  # each test's own result form (ids unique on the page)
        mine = forms.get("result_for") == row.collection.id
        row.result_form = (
            forms["result_form"] if mine else ResultForm(auto_id=f"r{row.collection.id}_%s")
        )
    today = local_today(client.program.time_zone)
    context = {
        "client": client,
        "policy": policy,
        "policies": selectors.policy_list(client=client)[:10],
        "summary": summary,
        "selections": selections,
        "medications": selectors.medication_list(client=client),
        "can_manage": can_manage_testing(request.user, client),
        "policy_form": forms.get("policy_form")
        or PolicyForm(
            auto_id="pol_%s",
            user=request.user,
            panels=panels,
            initial={
                "start_date": today,
                "site": policy.site if policy else f"{client.program.name} office",
                "panel": panels.filter(code="urine-5", program=None).first(),
            },
        ),
        "selection_form": forms.get("selection_form")
        or SelectionForm(auto_id="sel_%s", initial={"date": today}),
        "collection_form": forms.get("collection_form")
        or CollectionForm(
            auto_id="col_%s",
            initial={
                "collected_at": timezone.now()
                .astimezone(ZoneInfo(client.program.time_zone))
                .strftime("%Y-%m-%dT%H:%M"),
                "observed": policy.observed if policy else False,
            },
        ),
        "result_for": forms.get("result_for"),
        "medication_form": forms.get("medication_form")
        or MedicationForm(auto_id="med_%s", initial={"start_date": today}),
    }
    status = 400 if forms else 200
    return render(request, "testing/client.html", context, status=status)


@staff_required
def client_testing(request, client_id: int):
    client = _staff_client(request, client_id)
    return _page(request, client)


def _act_and_return(request, client, action, success: str):
    """Run a service `action()` for a button on the client's testing page, say how it went (the
    service's refusal, or `success`) and go back to that page."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("testing:client", client_id=client.id)


@require_POST
@staff_required
def policy_start(request, client_id: int):
    client = _staff_client(request, client_id, write=True)
    form = PolicyForm(
        request.POST,
        auto_id="pol_%s",
        user=request.user,
        panels=selectors.panels_for(program_id=client.program_id),
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        replace = data.pop("replace")
        try:
            services.policy_start(actor=request.user, client=client, replace=replace, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Testing policy saved.")
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, policy_form=form)


@require_POST
@staff_required
def policy_default(request, client_id: int):
    """The program's default policy (IOP clients), replacing any current one."""
    client = _staff_client(request, client_id, write=True)
    return _act_and_return(
        request,
        client,
        lambda: services.policy_start_program_default(
            actor=request.user, client=client, replace=True
        ),
        "The program's default testing policy is in force.",
    )


@require_POST
@staff_required
def policy_end(request, client_id: int, policy_id: int):
    client = _staff_client(request, client_id, write=True)
    policy = selectors.policy_list(client=client).filter(pk=policy_id).first()
    if policy is None:
        raise PermissionDenied
    return _act_and_return(
        request,
        client,
        lambda: services.policy_end(actor=request.user, policy=policy),
        "Testing policy ended.",
    )


@require_POST
@staff_required
def selection_add(request, client_id: int):
    client = _staff_client(request, client_id, write=True)
    form = SelectionForm(request.POST, auto_id="sel_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.selection_add(
                actor=request.user,
                client=client,
                kind=data["kind"],
                day=data["date"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                site=data["site"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Test asked for.")
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, selection_form=form)


@require_POST
@staff_required
def selection_excuse(request, client_id: int, selection_id: int):
    client = _staff_client(request, client_id, write=True)
    selection = selectors.selection_list(client=client).filter(pk=selection_id).first()
    form = ExcuseForm(request.POST)
    if selection is None:
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, "Say why the test is excused.")
    else:
        try:
            services.selection_excuse(
                actor=request.user, selection=selection, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Test excused.")
    return redirect("testing:client", client_id=client.id)


@require_POST
@staff_required
def collection_record(request, client_id: int):
    client = _staff_client(request, client_id, write=True)
    form = CollectionForm(request.POST, auto_id="col_%s")
    with timezone.override(ZoneInfo(client.program.time_zone)):
        valid = form.is_valid()
    if valid:
        try:
            services.collection_record(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Collection recorded.")
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, collection_form=form)


@require_POST
@staff_required
def result_record(request, client_id: int, collection_id: int):
    client = _staff_client(request, client_id, write=True)
    collection = selectors.collection_list(client=client).filter(pk=collection_id).first()
    if collection is None:
        raise PermissionDenied
    form = ResultForm(request.POST, auto_id=f"r{collection.id}_%s")
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.result_record(actor=request.user, collection=collection, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Result recorded.")
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, result_form=form, result_for=collection.id)


@require_POST
@staff_required
def result_send(request, client_id: int, result_id: int):
    client = _staff_client(request, client_id, write=True)
    result = selectors.result_get(user=request.user, result_id=result_id)
    if result.collection.client_id != client.id:
        raise PermissionDenied
    return _act_and_return(
        request,
        client,
        lambda: services.result_send_for_confirmation(actor=request.user, result=result),
        "Marked as sent for lab confirmation.",
    )


@require_POST
@staff_required
def medication_add(request, client_id: int):
    client = _staff_client(request, client_id, write=True)
    form = MedicationForm(request.POST, auto_id="med_%s")
    if form.is_valid():
        try:
            services.medication_add(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Medication recorded.")
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, medication_form=form)


@login_required
def my_tests(request):
    """The client's own tests on their phone: what is asked today, results, negative streak."""
    client = own_client_get(user=request.user)
    open_tests = selectors.selections_open(client=client)
    if open_tests:
        services.selections_mark_seen(client=client)
    summary = selectors.client_summary(client=client)
    audit_record_list(actor=request.user, objects=[r.collection for r in summary.rows])
    zone = ZoneInfo(client.program.time_zone)
    return render(
        request,
        "testing/my_tests.html",
        {
            "client": client,
            "summary": summary,
            "policy": selectors.policy_current(client=client),
            "open_tests": [
                (s, s.window_opens_at.astimezone(zone), s.window_closes_at.astimezone(zone))
                for s in open_tests
            ],
        },
    )


@staff_required
def report(request):
    programs = selectors.report_programs(user=request.user)
    if not programs:
        raise PermissionDenied
    today = local_today(programs[0].time_zone)
    data = request.GET if "program" in request.GET else None
    form = ReportForm(data, user=request.user, programs=programs, today=today)
    if data is None:
        form = ReportForm(
            {
                "program": programs[0].id,
                "start": form.fields["start"].initial,
                "end": form.fields["end"].initial,
            },
            user=request.user,
            programs=programs,
        )
    if not form.is_valid():
        return render(request, "testing/report.html", {"form": form, "report": None}, status=400)
    result = selectors.program_report(
        user=request.user,
        program=form.cleaned_data["program"],
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
    )
    if request.GET.get("format") == "csv":
        audit_record(
            actor=request.user,
            action=Action.EXPORT,
            object_type="testing.report",
            object_id=str(result.program.id),
            organization_id=result.program.organization_id,
        )
        return _csv(result)
    return render(
        request,
        "testing/report.html",
        {"form": form, "report": result, "chart": weekly_chart(result.weeks)},
    )


def _csv(result) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"testing-{result.program.slug}-{result.start}-{result.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        ["week", "tests asked", "given", "no-shows", "excused", "all tests", "compliance %"]
    )
    for w in result.weeks:
        writer.writerow(
            [
                w.week,
                w.selected,
                w.collected,
                w.no_shows,
                w.excused,
                w.tests,
                "" if w.compliance is None else w.compliance,
            ]
        )
    writer.writerow([])
    writer.writerow(["analyte", "tested", "positive", "positive expected", "positivity %"])
    for a in result.analytes:
        writer.writerow(
            [
                a.label,
                a.tested,
                a.positive,
                a.expected,
                "" if a.positivity is None else a.positivity,
            ]
        )
    writer.writerow(["Breath alcohol", result.breath_tests, result.breath_positive, 0, ""])
    return response
