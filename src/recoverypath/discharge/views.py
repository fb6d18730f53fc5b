"""Discharge pages: plan list and readiness, checklist items, graduation, referrals, providers,
the discharge summary, the gap-in-care report; plus the client page panel and the client's home."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.clients.selectors import client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.hooks.todo import TodoItem
from recoverypath.core.pagination import paginate
from recoverypath.core.permissions import Rank
from recoverypath.core.timezones import local_today

from . import checklist, forms, rules, selectors, services, sources
from .models import ChecklistItem, DischargePlan, Referral
from .services.summary import summary_html, summary_pdf


def _save(request, form, write: Callable[[], object], *, success: str) -> bool:
    """For a valid POSTed `form`, run `write()` (a service call) and flash `success`: True. On a
    GET, invalid input or a refusal (ValidationError, DomainError attached to the form): False."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        write()
    except (ValidationError, DomainError) as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, success)
    return True


# Registries -------------------------------------------------------------------------------------


def nav_items(request) -> list[NavItem]:
    user = request.user
    items = []
    if permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR):
        items.append(NavItem("Discharge", reverse("discharge:plans"), order=40))
    if permissions.is_staff_member(user):
        items.append(NavItem("Providers", reverse("discharge:providers"), order=45))
    return items


def todo_items(user) -> list[TodoItem]:
    """Open checklist items the user owns that are due within a week or overdue (2 queries)."""
    if not permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR):
        return []
    today = timezone.localdate()
    items = selectors.checklist_items_due_for_owner(user=user, today=today)
    return [
        TodoItem(
            label=f"Discharge: {item.get_kind_display()}",
            url=reverse("discharge:plan", kwargs={"plan_id": item.plan_id}),
            kind="discharge.checklist",
            priority="high" if item.due_date < today else "normal",
            due=timezone.make_aware(datetime.combine(item.due_date, time.min)),
            client_name=item.plan.client.display_name,
            client_id=item.plan.client_id,
        )
        for item in items
    ]


def client_panel(request, client) -> str:
    if not rules.can_view_plan(request.user, client) or permissions.is_client_user(
        request.user, client
    ):
        return ""
    plan = selectors.plan_for_client(client=client)
    referrals = selectors.referral_list_for_client(client=client)
    if plan is None and not referrals:
        return ""
    context = {"client": client, "plan": plan, "referrals": referrals}
    if plan is not None:
        context["readiness"] = selectors.plan_readiness(plan=plan)
        context["gap"] = selectors.gap_for_plan(plan=plan)
    return render_to_string("discharge/_client_panel.html", context, request=request)


def client_home_section(request, client) -> str:
    if not permissions.is_client_user(request.user, client):
        return ""
    plan = selectors.plan_for_client(client=client)
    if plan is None:
        return ""
    graduated = plan.status == DischargePlan.Status.GRADUATED
    context = {
        "client": client,
        "plan": plan,
        "readiness": selectors.plan_readiness(plan=plan, today=local_today(client.time_zone)),
        "referrals": [
            r
            for r in selectors.referral_list_for_client(client=client)
            if r.status in (Referral.Status.BOOKED, Referral.Status.ATTENDED)
        ],
        "summary": getattr(plan, "summary", None) if graduated else None,
        "aftercare_plan": sources.aftercare_plan_current(client=client) if graduated else None,
    }
    return render_to_string("discharge/_home_section.html", context, request=request)


# Plans ------------------------------------------------------------------------------------------


def _coordinator_required(request) -> None:
    if not permissions.staff_program_ids(request.user, min_rank=Rank.COORDINATOR):
        raise PermissionDenied


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
            "items": [(item, checklist.describe(item)) for item in plan.items.all()],
            "referrals": selectors.referral_list_for_client(client=plan.client),
            "can_work": rules.can_work_checklist(request.user, plan.client),
            "can_graduate": rules.can_graduate(request.user, plan.client),
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
    if not rules.can_graduate(request.user, plan.client):
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
    if not rules.can_work_checklist(request.user, plan.client):
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
    if not rules.can_graduate(request.user, plan.client):
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


@staff_required
def referral_create(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not rules.can_work_checklist(request.user, client):
        raise PermissionDenied
    providers = selectors.provider_list(user=request.user).filter(
        organization_id=client.organization_id
    )
    form = forms.ReferralForm(request.POST or None, user=request.user, providers=providers)
    saved = _save(
        request,
        form,
        lambda: services.referral_create(
            actor=request.user,
            client=client,
            provider=form.cleaned_data["provider"],
            reason=form.cleaned_data["reason"],
            appointment_at=form.cleaned_data["appointment_at"],
        ),
        success="Referral recorded.",
    )
    if saved:
        return redirect(_back_to(client))
    return render(request, "discharge/referral_form.html", {"form": form, "client": client})


def _back_to(client) -> str:
    plan = selectors.plan_for_client(client=client)
    if plan is not None:
        return reverse("discharge:plan", kwargs={"plan_id": plan.id})
    return reverse("clients:detail", kwargs={"client_id": client.id})


@staff_required
def referral_move(request, referral_id: int):
    referral = selectors.referral_get(user=request.user, referral_id=referral_id)
    allowed = sorted(Referral.ALLOWED_TRANSITIONS[referral.status])
    form = forms.ReferralMoveForm(request.POST or None)
    form.fields["to"].choices = [(s, Referral.Status(s).label) for s in allowed]
    saved = _save(
        request,
        form,
        lambda: services.referral_transition(
            actor=request.user,
            referral=referral,
            to=form.cleaned_data["to"],
            appointment_at=form.cleaned_data["appointment_at"],
            attended_on=form.cleaned_data["attended_on"],
            note=form.cleaned_data["note"],
        ),
        success="Referral updated.",
    )
    if saved:
        return redirect(_back_to(referral.client))
    return render(
        request,
        "discharge/referral_move.html",
        {"form": form, "referral": referral, "history": referral.history.select_related("actor")},
    )


# Summary ----------------------------------------------------------------------------------------


@login_required
def summary_detail(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    plan = summary.plan
    can_sign = rules.can_graduate(request.user, plan.client)
    share_form = None
    if can_sign and summary.is_signed:
        share_form = forms.ShareForm(
            user=request.user,
            referrals=selectors.referral_queryset_for_client(client=plan.client),
        )
    return render(
        request,
        "discharge/summary.html",
        {
            "summary": summary,
            "plan": plan,
            "document": summary_html(summary=summary),
            "can_sign": can_sign,
            "share_form": share_form,
        },
    )


@login_required
def summary_download(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    response = HttpResponse(summary_pdf(summary=summary), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="discharge-summary-{summary.plan.client.mrn}.pdf"'
    )
    return response


@require_POST
@staff_required
def summary_sign(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    try:
        services.summary_sign(actor=request.user, summary=summary)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Summary signed. It can no longer change.")
    return redirect("discharge:summary", summary_id=summary.id)


@require_POST
@staff_required
def summary_regenerate(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    try:
        services.summary_generate(actor=request.user, plan=summary.plan)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Summary refreshed from the record.")
    return redirect("discharge:summary", summary_id=summary.id)


@require_POST
@staff_required
def summary_share(request, summary_id: int):
    summary = selectors.summary_get(user=request.user, summary_id=summary_id)
    form = forms.ShareForm(
        request.POST,
        user=request.user,
        referrals=selectors.referral_queryset_for_client(client=summary.plan.client),
    )
    if not form.is_valid():
        messages.error(request, "Choose a referral to send the summary to.")
        return redirect("discharge:summary", summary_id=summary.id)
    try:
        services.summary_share(
            actor=request.user, summary=summary, referral=form.cleaned_data["referral"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Shared with {form.cleaned_data['referral'].provider.name} under consent."
        )
    return redirect("discharge:summary", summary_id=summary.id)


# Providers --------------------------------------------------------------------------------------


@staff_required
def provider_list(request):
    form = forms.ProviderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    providers = selectors.provider_list(
        user=request.user,
        kind=filters.get("kind") or "",
        search=filters.get("q") or "",
        telehealth=True if filters.get("telehealth") else None,
        accepting=True if filters.get("accepting") else None,
    )
    can_manage = bool(permissions.staff_program_ids(request.user, min_rank=Rank.COORDINATOR))
    return render(
        request,
        "discharge/provider_list.html",
        {"form": form, "page": paginate(request, providers), "can_manage": can_manage},
    )


@staff_required
def provider_create(request):
    programs = program_list_for_user(user=request.user, min_rank=Rank.COORDINATOR)
    program = programs.first()
    if program is None:
        raise PermissionDenied
    form = forms.ProviderForm(request.POST or None)
    saved = _save(
        request,
        form,
        lambda: services.external_provider_create(
            actor=request.user, organization=program.organization, **form.cleaned_data
        ),
        success="Provider added to the directory.",
    )
    if saved:
        return redirect("discharge:providers")
    return render(request, "discharge/provider_form.html", {"form": form, "provider": None})


@staff_required
def provider_edit(request, provider_id: int):
    provider = selectors.provider_get(user=request.user, provider_id=provider_id)
    if not rules.can_manage_provider(request.user, provider.organization_id):
        raise PermissionDenied
    form = forms.ProviderForm(request.POST or None, instance=provider)
    saved = _save(
        request,
        form,
        lambda: services.external_provider_update(
            actor=request.user,
            provider=provider,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        ),
        success="Provider saved.",
    )
    if saved:
        return redirect("discharge:providers")
    return render(request, "discharge/provider_form.html", {"form": form, "provider": provider})


# Gap in care ------------------------------------------------------------------------------------


@staff_required
def gap_report(request):
    programs = list(program_list_for_user(user=request.user, min_rank=Rank.COORDINATOR))
    if not programs:
        raise PermissionDenied
    try:
        program_id = int(request.GET.get("program") or programs[0].id)
    except ValueError:
        program_id = programs[0].id
    if program_id not in {p.id for p in programs}:
        raise Http404
    report = selectors.gap_report(user=request.user, program_id=program_id)
    # Figures cover every graduate; the table shows (and audits) one page of them.
    page = paginate(request, report.rows, per_page=selectors.GAP_PAGE_SIZE)
    audit_record_list(actor=request.user, objects=[row.plan for row in page.object_list])
    return render(
        request,
        "discharge/gap_report.html",
        {
            "report": report,
            "page": page,
            "programs": programs,
            "program_id": program_id,
            "target": selectors.GAP_TARGET_DAYS,
        },
    )
