from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.care.placement import placement_check
from recoverypath.clients.selectors import (
    client_get,
    own_client_get,
    support_contact_list,
)
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.timezones import local_today

from . import selectors, services
from .forms import (
    CheckInRecordForm,
    CheckInScheduleForm,
    ComponentForm,
    ContactForm,
    ExtendForm,
    GoalForm,
    GoalNoteForm,
    PlanStartForm,
    ReasonForm,
    StepUpForm,
    SupportPreferencesForm,
)
from .models import AftercarePlan
from .my_plan import my_plan_get
from .permissions import can_manage_aftercare_plan, can_step_up_to_iop


def _coordinating_plan(request, plan_id: int) -> AftercarePlan:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    if not can_manage_aftercare_plan(request.user, plan.client):
        raise PermissionDenied
    return plan


def client_panel(request, client) -> str:
    if not can_manage_aftercare_plan(request.user, client):
        return ""
    plan = selectors.plan_current(client=client)
    adherence = selectors.adherence_for_plans(plans=[plan]).get(plan.id) if plan else None
    return render_to_string(
        "aftercare/_client_panel.html",
        {"client": client, "plan": plan, "adherence": adherence},
        request=request,
    )


@login_required
def plan_start(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not can_manage_aftercare_plan(request.user, client):
        raise PermissionDenied
    form = PlanStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.aftercare_plan_start(
                actor=request.user,
                client=client,
                months=data["months"] or None,
                start_date=data["start_date"],
                end_date=data["end_date"] if not data["months"] else None,
                checkin_every_days=data["checkin_every_days"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Aftercare plan started."))
            return redirect("aftercare:plan", plan_id=plan.id)
    return render(request, "aftercare/plan_start.html", {"client": client, "form": form})


@login_required
def plan_detail(request, plan_id: int):
    plan = _coordinating_plan(request, plan_id)
    adherence = selectors.adherence_for_plans(plans=[plan])[plan.id]
    goals = plan.goals.prefetch_related("notes")
    return render(
        request,
        "aftercare/plan.html",
        {
            "plan": plan,
            "client": plan.client,
            "adherence": adherence,
            "goals": goals,
            "upcoming": selectors.check_ins_upcoming(plan=plan),
            "past": selectors.check_ins_past(plan=plan)[:20],
            "history": plan.history.select_related("actor"),
            "component_form": ComponentForm(
                user=request.user, organization_id=plan.client.organization_id
            ),
            "contact_form": ContactForm(user=request.user, plan=plan),
            "goal_form": GoalForm(),
            "goal_note_form": GoalNoteForm(),
            "record_form": CheckInRecordForm(),
            "schedule_form": CheckInScheduleForm(),
            "extend_form": ExtendForm(),
            "reason_form": ReasonForm(),
            "can_step_up": can_step_up_to_iop(request.user, plan.client),
            "today": local_today(plan.client.time_zone),
        },
    )


def _post_action(request, plan: AftercarePlan, form, action, success: str):
    if not form.is_valid():
        problems = "; ".join(f"{name}: {errors[0]}" for name, errors in form.errors.items())
        messages.error(request, _("Please check the form: %(problems)s") % {"problems": problems})
    else:
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, success)
    return redirect("aftercare:plan", plan_id=plan.id)


@require_POST
@login_required
def component_add(request, plan_id: int):
    plan = _coordinating_plan(request, plan_id)
    form = ComponentForm(
        request.POST, user=request.user, organization_id=plan.client.organization_id
    )
    return _post_action(
        request,
        plan,
        form,
        lambda d: services.component_add(actor=request.user, plan=plan, **d),
        "Component added.",
    )


@require_POST
@login_required
def contact_log(request, plan_id: int):
    plan = _coordinating_plan(request, plan_id)
    form = ContactForm(request.POST, user=request.user, plan=plan)
    return _post_action(
        request,
        plan,
        form,
        lambda d: services.component_contact_log(
            actor=request.user,
            component=d["component"],
            day=d["date"],
            attended=d["attended"],
            note=d["note"],
        ),
        "Logged.",
    )


@require_POST
@login_required
def goal_add(request, plan_id: int):
    plan = _coordinating_plan(request, plan_id)
    return _post_action(
        request,
        plan,
        GoalForm(request.POST),
        lambda d: services.goal_add(actor=request.user, plan=plan, **d),
        "Goal added.",
    )


@require_POST
@login_required
def goal_note(request, plan_id: int, goal_id: int):
    plan = _coordinating_plan(request, plan_id)
    goal = selectors.goal_get(plan=plan, goal_id=goal_id)
    return _post_action(
        request,
        plan,
        GoalNoteForm(request.POST),
        lambda d: services.goal_progress_add(
            actor=request.user, goal=goal, note=d["note"], status=d["status"]
        ),
        "Progress noted.",
    )


@require_POST
@login_required
def check_in_schedule(request, plan_id: int):
    plan = _coordinating_plan(request, plan_id)
    zone = ZoneInfo(plan.client.time_zone or plan.program.time_zone)
    return _post_action(
        request,
        plan,
        CheckInScheduleForm(request.POST),
        lambda d: services.coordinator_check_in_schedule(
            actor=request.user,
            plan=plan,
            at=datetime.combine(d["date"], d["time"], tzinfo=zone),
            modality=d["modality"],
            join_url=d["join_url"],
            call_details=d["call_details"],
        ),
        "Check-in scheduled.",
    )


@require_POST
@login_required
def check_in_record(request, plan_id: int, check_in_id: int):
    plan = _coordinating_plan(request, plan_id)
    item = selectors.check_in_get(plan=plan, check_in_id=check_in_id)
    return _post_action(
        request,
        plan,
        CheckInRecordForm(request.POST),
        lambda d: services.coordinator_check_in_record(
            actor=request.user, check_in=item, status=d["status"], note=d["note"]
        ),
        "Check-in recorded.",
    )


@require_POST
@login_required
def plan_extend(request, plan_id: int):
    plan = _coordinating_plan(request, plan_id)
    return _post_action(
        request,
        plan,
        ExtendForm(request.POST),
        lambda d: services.aftercare_plan_extend(actor=request.user, plan=plan, **d),
        "Plan extended.",
    )


@login_required
def plan_step_up(request, plan_id: int):
    """Back to IOP: the reason and the IOP admission check on one page (GET shows it)."""
    plan = _coordinating_plan(request, plan_id)
    if not can_step_up_to_iop(request.user, plan.client):
        raise PermissionDenied
    form = StepUpForm(request.POST or None)
    warnings = []
    if request.method == "POST" and form.is_valid():
        answers = form.placement_answers()
        warnings = placement_check(answers) if answers is not None else []
        try:
            services.aftercare_plan_step_up(
                actor=request.user,
                plan=plan,
                reason=form.cleaned_data["reason"],
                placement_answers=answers,
                placement_override_reason=form.cleaned_data["placement_override_reason"],
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Stepped up to IOP: a new IOP episode is open and the plan is paused.")
            )
            return redirect("aftercare:plan", plan_id=plan.id)
    return render(
        request,
        "aftercare/step_up.html",
        {"form": form, "plan": plan, "client": plan.client, "warnings": warnings},
    )


@require_POST
@login_required
def plan_complete(request, plan_id: int):
    plan = _coordinating_plan(request, plan_id)
    return _post_action(
        request,
        plan,
        ReasonForm(request.POST),
        lambda d: services.aftercare_plan_complete(actor=request.user, plan=plan, note=d["reason"]),
        "Plan completed.",
    )


@require_POST
@login_required
def plan_resume(request, plan_id: int):
    plan = _coordinating_plan(request, plan_id)
    return _post_action(
        request,
        plan,
        ReasonForm(request.POST),
        lambda d: services.aftercare_plan_resume(actor=request.user, plan=plan, note=d["reason"]),
        "Plan resumed.",
    )


# The client's side, on their phone.


@login_required
def support(request):
    """My support network: people to call or text, sponsor, group meetings, help now, and whom
    else to text when I press "I need help now"."""
    client = own_client_get(user=request.user)
    contacts = list(support_contact_list(client=client))
    plan = selectors.plan_current(client=client)
    prefs = selectors.support_preferences_get(client=client)
    form = SupportPreferencesForm(
        request.POST or None,
        user=request.user,
        contacts=selectors.textable_contacts(client=client),
        initial={"text_on_help": list(prefs.text_on_help.all()) if prefs else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.support_preferences_set(
                actor=request.user,
                client=client,
                text_on_help=list(form.cleaned_data["text_on_help"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("aftercare:support")
    return render(
        request,
        "aftercare/support.html",
        {
            "client": client,
            "sponsors": [c for c in contacts if c.kind == "sponsor"],
            "contacts": [c for c in contacts if c.kind != "sponsor"],
            "groups": selectors.support_groups(plan=plan),
            "form": form,
        },
    )


def help_request_handler(request, client) -> str:
    """safety's "I need help now" button was pressed: record it (critical alert to the care
    team, texts to the chosen contacts) and show the client who was told."""
    item = services.help_request_record(
        actor=request.user, client=client, submission_key=request.POST.get("key", "")
    )
    return f"{reverse('safety:my_help')}?told={item.id}"


@login_required
def help_now(request):
    """The help page's older address: a POST is a press (recorded), a GET shows the page."""
    client = own_client_get(user=request.user)
    if request.method == "POST":
        return redirect(help_request_handler(request, client))
    return redirect("safety:my_help")


def help_action(request, client) -> str:
    """On the help page: who was told of this press (?told=<id>), else the button to tell them."""
    told = request.GET.get("told", "")
    item = (
        selectors.help_request_get(client=client, request_id=int(told))
        if told.isdigit() and len(told) < 18
        else None
    )
    return render_to_string(
        "aftercare/_help_action.html",
        {
            "client": client,
            "help_request": item,
            "has_textable": selectors.textable_contacts(client=client).exists(),
        },
        request=request,
    )


def home_section(request, client) -> str:
    return render_to_string("aftercare/_home_section.html", {"client": client}, request=request)


@login_required
def my_plan(request):
    """My plan, on the client's phone: components with details and this week in words, goals,
    coordinator check-ins to come, what to do next."""
    client = own_client_get(user=request.user)
    view = my_plan_get(user=request.user, client=client)
    return render(request, "aftercare/my_plan.html", {"client": client, "view": view})


def plan_home_section(request, client) -> str:
    """A link to "My plan" on the client's home, when they have an open plan."""
    plan = selectors.plan_current(client=client)
    if plan is None:
        return ""
    return render_to_string(
        "aftercare/_plan_home_section.html",
        {"client": client, "plan": plan, "today": local_today(client.time_zone)},
        request=request,
    )
