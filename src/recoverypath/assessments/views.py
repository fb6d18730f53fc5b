"""Assessment pages: the client fills what is due on their phone; staff enter from paper or an
interview, read item-level answers and see trends; the scores caseload sorts by latest band."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.clients import selectors as client_selectors
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.hooks.todo import TodoItem
from recoverypath.core.pagination import paginate
from recoverypath.safety.views import crisis_context

from . import selectors, services
from .forms import InstrumentForm, ScheduleRuleForm, ScoresFilterForm
from .instruments import REGISTRY, instrument_get
from .instruments.base import BOOLEAN, DAYS_BY_DRUG
from .permissions import can_change_assessment_schedules, can_enter_assessment

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

FILL_MODES = ("step", "page")


def _instrument_or_404(code: str):
    try:
        return instrument_get(code)
    except ValidationError as exc:
        raise Http404("No such instrument.") from exc


def _scores_client(request, client_id: int):
    client = client_selectors.client_get(user=request.user, client_id=client_id)
    if not permissions.can_view_clinical_record(request.user, client):
        raise PermissionDenied
    return client


def answer_rows(assessment) -> list[dict]:
    """Item-level answers with their option labels (clinicians read these first)."""
    instrument = REGISTRY.get(assessment.instrument)
    rows: list[dict] = []
    if instrument is None:
        return rows
    for item, answer in zip(instrument.items, assessment.answers, strict=False):
        if not item.is_asked(assessment.answers):
            shown = "not asked"
        elif item.kind == DAYS_BY_DRUG:
            shown = (
                ", ".join(f"{k}: {v} days" for k, v in answer.items()) if answer else "not given"
            )
        elif item.kind == BOOLEAN:
            shown = "Yes" if answer else "No"
        else:
            shown = item.option_label(answer)
        rows.append({"item": item, "answer": answer, "shown": shown})
    return rows


# ---- the client's own pages -----------------------------------------------------------------
@login_required
def my_list(request):
    client = client_selectors.own_client_get(user=request.user)
    due = selectors.assessments_due(client=client)
    history = list(selectors.assessment_scores(client=client).order_by("-administered_at")[:20])
    audit_record_list(actor=request.user, objects=history)
    return render(
        request,
        "assessments/my_list.html",
        {"client": client, "due": due, "history": history, "registry": REGISTRY},
    )


@login_required
def my_fill(request, code: str):
    client = client_selectors.own_client_get(user=request.user)
    instrument = _instrument_or_404(code)
    mode = request.GET.get("mode") or request.session.get("assessment_fill_mode") or "step"
    if mode not in FILL_MODES:
        mode = "step"
    request.session["assessment_fill_mode"] = mode
    form = InstrumentForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_submit(
                actor=request.user, client=client, instrument=instrument.code, answers=form.answers
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("assessments:my_result", assessment_id=assessment.id)
    return render(
        request,
        "assessments/fill.html",
        {
            "client": client,
            "instrument": instrument,
            "form": form,
            "mode": mode,
            "other_mode": "page" if mode == "step" else "step",
            "staff": False,
            "count": len(instrument.items),
        },
    )


@login_required
def my_result(request, assessment_id: int):
    client = client_selectors.own_client_get(user=request.user)
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    if assessment.client_id != client.id:
        raise Http404
    instrument = REGISTRY[assessment.instrument]
    context = {
        "client": client,
        "assessment": assessment,
        "instrument": instrument,
        "band_label": instrument.band_label(assessment.band),
        "due": selectors.assessments_due(client=client),
    }
    if assessment.safety_positive:
        context.update(crisis_context(client))
    return render(request, "assessments/my_result.html", context)


# ---- staff pages ----------------------------------------------------------------------------
@staff_required
def client_scores(request, client_id: int):
    client = _scores_client(request, client_id)
    zone = request.user.display_time_zone or client.program.time_zone
    trends = selectors.client_trends(client=client, zone=zone)
    audit_record_list(actor=request.user, objects=[a for t in trends for a in t.assessments])
    return render(
        request,
        "assessments/client_scores.html",
        {
            "client": client,
            "trends": trends,
            "due": selectors.assessments_due(client=client),
            "can_enter": can_enter_assessment(request.user, client),
            "registry": REGISTRY,
        },
    )


@staff_required
def staff_enter(request, client_id: int, code: str):
    client = client_selectors.client_get(user=request.user, client_id=client_id)
    if not can_enter_assessment(request.user, client):
        raise PermissionDenied
    instrument = _instrument_or_404(code)
    form = InstrumentForm(request.POST or None, instrument=instrument, staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_submit(
                actor=request.user,
                client=client,
                instrument=instrument.code,
                answers=form.answers,
                administered_at=form.cleaned_data.get("administered_at"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if assessment.safety_positive:
                messages.error(
                    request,
                    "Positive safety screen: a critical alert was raised. Follow the safety "
                    "protocol and review the safety plan.",
                )
            else:
                messages.success(request, _("%(code)s saved.") % {"code": instrument.code})
            return redirect("assessments:detail", client_id=client.id, assessment_id=assessment.id)
    return render(
        request,
        "assessments/fill.html",
        {
            "client": client,
            "instrument": instrument,
            "form": form,
            "mode": "page",
            "staff": True,
            "count": len(instrument.items),
        },
    )


@staff_required
def detail(request, client_id: int, assessment_id: int):
    client = _scores_client(request, client_id)
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    if assessment.client_id != client.id:
        raise Http404
    instrument = REGISTRY[assessment.instrument]
    return render(
        request,
        "assessments/detail.html",
        {
            "client": client,
            "assessment": assessment,
            "instrument": instrument,
            "band_label": instrument.band_label(assessment.band),
            "rows": answer_rows(assessment),
        },
    )


@staff_required
def scores_caseload(request):
    if not permissions.staff_program_ids(request.user, min_rank=permissions.Rank.COORDINATOR):
        raise PermissionDenied
    code = request.GET.get("instrument") or "PHQ-9"
    instrument = REGISTRY.get(code) or REGISTRY["PHQ-9"]
    form = ScoresFilterForm(
        request.GET or None,
        instruments=[(i.code, i.short_name) for i in REGISTRY.values() if i.bands],
        bands=[(b.name, b.label) for b in instrument.bands],
    )
    filters = form.cleaned_data if form.is_valid() else {}
    clients = selectors.caseload_scores(
        user=request.user,
        instrument=instrument.code,
        band=filters.get("band") or "",
        search=filters.get("q") or "",
        sort=filters.get("sort") or "-severity",
    )
    page = paginate(request, clients)
    audit_record_list(actor=request.user, objects=page.object_list, client_id_attr="id")
    rows = [(c, instrument.band_label(c.latest_band) if c.latest_band else "") for c in page]
    template = (
        "assessments/_scores_table.html" if request.htmx else "assessments/scores_caseload.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": rows,
            "instrument": instrument,
            # the schedules page is for clinicians and admins: no link that answers 403
            "can_see_schedules": bool(
                permissions.staff_program_ids(request.user, min_rank=permissions.Rank.CLINICIAN)
            ),
        },
    )


@staff_required
def schedules(request):
    programs = list(
        program_list_for_user(user=request.user, min_rank=permissions.Rank.CLINICIAN).order_by(
            "name"
        )
    )
    if not programs:
        raise PermissionDenied
    rules_by_program = selectors.schedule_rules_by_program(program_ids=[p.id for p in programs])
    tables = []
    for program in programs:
        rules = {r.instrument: r for r in rules_by_program[program.id]}
        tables.append(
            {
                "program": program,
                "rows": [(REGISTRY[code], rules.get(code)) for code in REGISTRY],
                "can_edit": can_change_assessment_schedules(request.user, program.id),
            }
        )
    return render(request, "assessments/schedules.html", {"tables": tables})


@staff_required
def schedule_edit(request, program_id: int, code: str):
    program = program_list_for_user(user=request.user).filter(id=program_id).first()
    if program is None:
        raise Http404
    if not can_change_assessment_schedules(request.user, program.id):
        raise PermissionDenied
    instrument = _instrument_or_404(code)
    current = next(
        (r for r in selectors.schedule_rules(program_id=program.id) if r.instrument == code), None
    )
    initial = (
        {
            "at_intake": current.at_intake,
            "iop_every_days": current.iop_every_days,
            "aftercare_every_days": current.aftercare_every_days,
            "after_safety_positive": current.after_safety_positive,
        }
        if current
        else {"at_intake": False}
    )
    form = ScheduleRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_rule_save(
                actor=request.user, program=program, instrument=code, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Schedule for %(code)s saved.") % {"code": code})
            return redirect("assessments:schedules")
    return render(
        request,
        "assessments/schedule_form.html",
        {"form": form, "program": program, "instrument": instrument},
    )


@require_POST
@login_required
def fill_mode(request):
    """Remember whether the client likes one question per screen or all on one page."""
    mode = request.POST.get("mode")
    if mode in FILL_MODES:
        request.session["assessment_fill_mode"] = mode
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("assessments:my_list")
    return redirect(next_url)


# ---- extension points -----------------------------------------------------------------------
def nav_items(request) -> list[NavItem]:
    if permissions.staff_program_ids(request.user, min_rank=permissions.Rank.COORDINATOR):
        return [NavItem(_("Scores"), reverse("assessments:scores"), order=30)]
    return []


def home_section(request, client) -> str:
    """What is due, with a button to start each, on the client's home page."""
    due = selectors.assessments_due(client=client)
    return render_to_string(
        "assessments/_home_section.html", {"client": client, "due": due}, request=request
    )


def client_panel(request, client) -> str:
    if not permissions.can_view_clinical_record(request.user, client):
        return ""
    latest = []
    for assessment in selectors.assessment_latest_per_instrument(client=client):
        instrument = REGISTRY.get(assessment.instrument)
        latest.append(
            (assessment, instrument.band_label(assessment.band) if instrument else assessment.band)
        )
    return render_to_string(
        "assessments/_client_panel.html",
        {
            "client": client,
            "latest": latest,
            "due": selectors.assessments_due(client=client),
            "can_enter": can_enter_assessment(request.user, client),
        },
        request=request,
    )


def todo_items(user: User) -> list[TodoItem]:
    """The clinician's safety work from screens: administer the C-SSRS after PHQ-9 item 9 above
    0, and review a low-risk C-SSRS within 72 hours (two queries)."""
    from datetime import timedelta

    from recoverypath.alerts.selectors import alerts_owed_by_clinician

    items = [
        TodoItem(
            label="Administer the C-SSRS screener (PHQ-9 item 9 above 0)",
            url=reverse("assessments:staff_enter", args=[a.client_id, "C-SSRS-SCREEN"]),
            kind="assessments.cssrs_requested",
            priority="urgent",
            due=a.administered_at,
            client_name=a.client.display_name,
        )
        for a in selectors.cssrs_requests_for(user=user)
    ]
    items += [
        TodoItem(
            label="Review the low-risk C-SSRS screen with the client",
            url=reverse("alerts:detail", args=[alert.id]),
            kind="assessments.cssrs_low_review",
            priority="high",
            due=alert.raised_at + timedelta(hours=services.CSSRS_LOW_REVIEW_HOURS),
            client_name=alert.client.display_name,
        )
        for alert in alerts_owed_by_clinician(user=user, kind=services.CSSRS_LOW_KIND)
    ]
    return items
