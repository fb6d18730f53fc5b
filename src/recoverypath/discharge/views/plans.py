"""Discharge plans: the list with readiness, the plan page, its checklist items, graduation and
the alumni offer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.errors import DomainError
from recoverypath.core.pagination import paginate

from .. import checklist, forms, selectors, services, sources
from ..models import ChecklistItem, DischargePlan
from ..permissions import can_graduate_client, can_work_checklist
from .shared import coordinator_required as _coordinator_required
from .shared import save_form as _save


@staff_required
def plan_list(request):
    _coordinator_required(request)
    status = request.GET.get("status", DischargePlan.Status.OPEN)
    if status not in DischargePlan.Status.values:
        status = DischargePlan.Status.OPEN
    plans = selectors.plan_list(user=request.user, status=status)
    page = paginate(request, plans)
    rows = [
        (plan, selectors.plan_readiness(plan=plan, safety_required=False))
        for plan in page.object_list
    ]
    audit_record_list(actor=request.user, objects=page.object_list)
    return render(
        request,
        "discharge/plan_list.html",
        {"page": page, "rows": rows, "status": status, "statuses": DischargePlan.Status.choices},
    )


def _render_plan(request, plan: DischargePlan, *, graduate_form, status: int = 200):
    """The plan page; a refused graduation shows it again with the form's errors (400)."""
    return render(
        request,
        "discharge/plan_detail.html",
        {
            "plan": plan,
            "client": plan.client,
            "readiness": selectors.plan_readiness(plan=plan),
            "items": [
                (item, checklist.describe(item))
                for item in plan.items.select_related("referral__provider")
            ],
            "referrals": selectors.referral_list_for_client(client=plan.client),
            "can_work": can_work_checklist(request.user, plan.client),
            "can_graduate": can_graduate_client(request.user, plan.client),
            "graduate_form": graduate_form,
            "summary": getattr(plan, "summary", None),
            "gap": selectors.gap_for_plan(plan=plan),
        },
        status=status,
    )


@staff_required
def plan_detail(request, plan_id: int):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return _render_plan(request, plan, graduate_form=forms.GraduateForm())


@staff_required
def plan_edit(request, plan_id: int):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    if not can_graduate_client(request.user, plan.client):
        raise PermissionDenied
    initial = {
        "target_graduation_date": plan.target_graduation_date,
        "diagnoses": "\n".join(f"{d['code']} | {d['description']}" for d in plan.diagnoses),
    }
    form = forms.PlanForm(request.POST or None, initial=initial)
    saved = _save(
        request,
        form,
        lambda: services.discharge_plan_update(
            actor=request.user,
            plan=plan,
            target_graduation_date=form.cleaned_data["target_graduation_date"],
            diagnoses=form.diagnosis_rows(),
        ),
        success="Discharge plan saved.",
    )
    if saved:
        return redirect("discharge:plan", plan_id=plan.id)
    return render(request, "discharge/plan_form.html", {"form": form, "plan": plan})


@staff_required
def item_edit(request, plan_id: int, kind: str):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    if not can_work_checklist(request.user, plan.client):
        raise PermissionDenied
    item = next((i for i in plan.items.all() if i.kind == kind), None)
    if item is None:
        raise Http404
    form_class = forms.ITEM_FORMS[item.kind]
    form = form_class(
        request.POST or None, item=item, user=request.user, initial=forms.item_initial(item)
    )
    saved = _save(
        request,
        form,
        lambda: services.checklist_item_update(
            actor=request.user,
            item=item,
            status=form.cleaned_data["status"],
            due_date=form.cleaned_data["due_date"],
            evidence=form.cleaned_data["evidence"],
            data=_jsonable(form.item_data()),
        ),
        success=f"{item.get_kind_display()}: saved.",
    )
    if saved:
        return redirect("discharge:plan", plan_id=plan.id)
    return render(
        request,
        "discharge/item_form.html",
        {
            "form": form,
            "plan": plan,
            "item": item,
            "safety_required": sources.safety_plan_required(client=plan.client)
            if item.kind == ChecklistItem.Kind.SAFETY_PLAN
            else None,
        },
    )


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


@require_POST
@staff_required
def graduate(request, plan_id: int):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    if not can_graduate_client(request.user, plan.client):
        raise PermissionDenied
    form = forms.GraduateForm(request.POST)
    saved = _save(
        request,
        form,
        lambda: services.discharge_graduate(
            actor=request.user,
            plan=plan,
            override_reason=form.cleaned_data["override_reason"],
            graduation_date=form.cleaned_data["graduation_date"],
        ),
        success=f"{plan.client.display_name} graduated. Aftercare has started.",
    )
    if saved:
        return redirect("discharge:plan", plan_id=plan.id)
    plan = selectors.plan_get(user=request.user, plan_id=plan_id, audit=False)
    return _render_plan(request, plan, graduate_form=form, status=400)


@require_POST
@login_required
def alumni_respond(request, plan_id: int):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    try:
        services.alumni_offer_respond(
            actor=request.user, plan=plan, accept=request.POST.get("answer") == "join"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Welcome to the alumni network!"
            if plan.alumni_response == "accepted"
            else "No problem: you can join any time.",
        )
    if permissions.is_client_user(request.user, plan.client):
        return redirect("clients:me")
    return redirect("discharge:plan", plan_id=plan.id)


# Referrals --------------------------------------------------------------------------------------
