"""The client's testing record for staff: the page (policies, tests asked and given, results,
medications) and each of its buttons, every one a form or a service call."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.clients.views import staff_required
from recoverypath.core.audit import audit_record_list
from recoverypath.core.forms import add_service_errors
from recoverypath.core.timezones import local_today

from .. import selectors, services
from ..forms import (
    CollectionForm,
    ExcuseForm,
    MedicationForm,
    PolicyForm,
    ResultForm,
    SelectionForm,
)
from ..permissions import can_manage_testing

if TYPE_CHECKING:
    from recoverypath.clients.models import Client


def _staff_client(request, client_id: int, *, write: bool = False) -> Client:
    """The client whose testing record the page shows (404 out of reach, 403 when the user may
    not read it). For a button, refused writers are turned away before their form is read; the
    service refuses them too."""
    client = selectors.testing_client_get(user=request.user, client_id=client_id)
    if write and not can_manage_testing(request.user, client):
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
            messages.success(request, _("Testing policy saved."))
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
    policy = selectors.policy_of_client(client=client, policy_id=policy_id)
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
            messages.success(request, _("Test asked for."))
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, selection_form=form)


@require_POST
@staff_required
def selection_excuse(request, client_id: int, selection_id: int):
    client = _staff_client(request, client_id, write=True)
    selection = selectors.selection_of_client(client=client, selection_id=selection_id)
    form = ExcuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the test is excused."))
    else:
        try:
            services.selection_excuse(
                actor=request.user, selection=selection, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Test excused."))
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
            messages.success(request, _("Collection recorded."))
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, collection_form=form)


@require_POST
@staff_required
def result_record(request, client_id: int, collection_id: int):
    client = _staff_client(request, client_id, write=True)
    collection = selectors.collection_of_client(client=client, collection_id=collection_id)
    form = ResultForm(request.POST, auto_id=f"r{collection.id}_%s")
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.result_record(actor=request.user, collection=collection, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Result recorded."))
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, result_form=form, result_for=collection.id)


@require_POST
@staff_required
def result_send(request, client_id: int, result_id: int):
    client = _staff_client(request, client_id, write=True)
    result = selectors.result_of_client(client=client, result_id=result_id)
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
            messages.success(request, _("Medication recorded."))
            return redirect("testing:client", client_id=client.id)
    return _page(request, client, medication_form=form)
