from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.clients.selectors import client_get, emergency_contacts, own_client_get
from recoverypath.clients.sobriety import restart_date, sobriety_summary_for
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.forms import add_service_errors
from recoverypath.core.timezones import local_today
from recoverypath.safety.selectors import crisis_resources, safety_plan_current

from . import selectors, services
from .forms import CheckInForm, MeetingForm
from .models import Lapse
from .permissions import can_read_monitoring, can_view_staff_check_ins
from .sparkline import mood_craving_sparkline

SCALES = ("mood", "craving", "stress")


def _initial_from(check_in) -> dict:
    if check_in is None:
        return {}
    return {
        "mood": check_in.mood,
        "craving": check_in.craving,
        "sleep_hours": check_in.sleep_hours,
        "stress": check_in.stress,
        "used": "yes" if check_in.used else "no",
        "substances": check_in.substances,
        "triggers": check_in.triggers,
        "trigger_other": check_in.trigger_other,
        "coping": check_in.coping,
        "note": check_in.note,
    }


def _section_context(request, client, form=None) -> dict:
    today_check_in = selectors.check_in_today(client=client)
    form = form or CheckInForm(initial=_initial_from(today_check_in))
    return {
        "client": client,
        "form": form,
        "scales": [form[name] for name in SCALES],
        "today_check_in": today_check_in,
        "milestone": services.milestone_celebrate_due(client=client),
        "unanswered_lapse": selectors.lapse_unanswered(client=client),
        "summary": sobriety_summary_for(client, lapse_dates=selectors.lapse_dates(client=client)),
    }


def home_section(request, client) -> str:
    """The client's home page (/me/): milestone, lapse question, streaks, the check-in form."""
    return render_to_string(
        "monitoring/_home_section.html", _section_context(request, client), request=request
    )


@login_required
def check_in(request):
    client = own_client_get(user=request.user)
    if request.method != "POST":
        return redirect("clients:me")
    form = CheckInForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "date" and v is None)}
        try:
            result = services.check_in_submit(actor=request.user, client=client, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result.lapse is not None and result.lapse.counter_restarted is None:
                return redirect("monitoring:lapse", lapse_id=result.lapse.id)
            messages.success(request, _("Check-in saved. Thank you."))
            if selectors.check_in_is_hard_day(result.check_in):
                return redirect("monitoring:check_in_saved", check_in_id=result.check_in.id)
            return redirect("clients:me")
    return render(
        request, "monitoring/check_in.html", _section_context(request, client, form), status=400
    )


def _support_context(request, client, check_in) -> dict:
    """What the result of a hard day shows: the client's coping strategies and contacts from
    their safety plan (an audited read), their emergency contacts, and the one tap to tell their
    coordinator."""
    plan = safety_plan_current(client=client)
    if plan is not None:
        audit_record(
            actor=request.user,
            action=Action.READ,
            obj=plan,
            client_id=client.id,
            organization_id=client.organization_id,
        )
    return {
        "client": client,
        "check_in": check_in,
        "safety_plan": plan,
        "emergency_contacts": emergency_contacts(client=client),
        "crisis_resources": crisis_resources(program=client.program),
    }


@login_required
def check_in_saved(request, check_in_id: int):
    """The result screen of a check-in: support for a hard day, else a thank-you."""
    client = own_client_get(user=request.user)
    check_in = selectors.check_in_own_get(client=client, check_in_id=check_in_id)
    return render(
        request,
        "monitoring/check_in_saved.html",
        {
            **_support_context(request, client, check_in),
            "hard_day": selectors.check_in_is_hard_day(check_in),
        },
    )


@login_required
@require_POST
def tell_coordinator(request, check_in_id: int):
    client = own_client_get(user=request.user)
    check_in = selectors.check_in_own_get(client=client, check_in_id=check_in_id)
    services.reach_out_request(actor=request.user, client=client, check_in=check_in)
    messages.success(request, _("Your coordinator has been told and will reach out to you."))
    return redirect("monitoring:check_in_saved", check_in_id=check_in.id)


@login_required
def lapse(request, lapse_id: int):
    client = own_client_get(user=request.user)
    item = get_object_or_404(Lapse, pk=lapse_id, client=client)
    if request.method == "POST":
        choice = request.POST.get("restart")
        if choice not in ("yes", "lapse_day", "no"):
            messages.error(request, _("Please choose one of the buttons."))
        else:
            services.lapse_answer_restart(
                actor=request.user,
                lapse=item,
                restart=choice != "no",
                from_lapse_day=choice == "lapse_day",
            )
            if choice != "no":
                client.refresh_from_db(fields=["sobriety_date"])
                restarted = client.sobriety_date
                if restarted is not None:  # set by the restart just answered
                    messages.success(
                        request,
                        _("Your counter starts again from %(date)s. Your history is kept.")
                        % {"date": date_format(restarted, "MONTH_DAY_FORMAT")},
                    )
            else:
                messages.success(request, _("Your count stays as it is. The lapse is noted."))
            return redirect("clients:me")
    context = {
        **_support_context(request, client, item.check_in),
        "lapse": item,
        "day_after": restart_date(item.date),
    }
    return render(request, "monitoring/lapse.html", context)


@login_required
def history(request):
    client = own_client_get(user=request.user)
    calendar = selectors.check_in_calendar(client=client, days=28)
    today = local_today(client.time_zone)
    return render(
        request,
        "monitoring/history.html",
        {
            "client": client,
            # Oldest to newest, left to right, as a calendar reads.
            "calendar": calendar[::-1],
            "today": today,
            "missed": selectors.missed_days(calendar=calendar, today=today),
            "lapses": selectors.lapse_list(client=client)[:20],
        },
    )


@login_required
def meetings(request):
    client = own_client_get(user=request.user)
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        initial={"date": local_today(client.time_zone)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_record(
                actor=request.user,
                client=client,
                day=data["date"],
                meeting_type=data["meeting_type"],
                meeting_name=data["meeting_name"],
                signature=data["signature"],
                sheet=data["sheet"] or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting logged."))
            return redirect("monitoring:meetings")
    return render(
        request,
        "monitoring/meetings.html",
        {"client": client, "form": form, "meetings": selectors.meeting_list(client=client)[:50]},
    )


@login_required
def staff_check_ins(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not can_view_staff_check_ins(request.user, client):
        raise PermissionDenied  # staff page: clients see theirs at /me/check-ins/
    calendar = selectors.check_in_calendar(client=client, days=28)
    return render(
        request,
        "monitoring/staff_check_ins.html",
        {
            "client": client,
            "calendar": calendar,
            "today": local_today(client.time_zone),
            "lapses": selectors.lapse_list(client=client)[:50],
            "meetings": selectors.meeting_list(client=client)[:50],
        },
    )


def client_panel(request, client) -> str:
    """Staff client page: 14-day sparkline, missed days, lapses (coordinators and above)."""
    if not can_read_monitoring(request.user, client):
        return ""
    today = local_today(client.time_zone)
    start = today - timedelta(days=13)
    series = selectors.check_in_series(client_ids=[client.id], start=start, end=today)[client.id]
    days = [start + timedelta(days=i) for i in range(14)]
    spark = mood_craving_sparkline(
        moods=[series.get(d, (None, None))[0] for d in days],
        cravings=[series.get(d, (None, None))[1] for d in days],
    )
    registered = selectors.client_registered_on(client)
    missed = sum(1 for d in days[:-1] if d not in series and d >= registered)
    return render_to_string(
        "monitoring/_client_panel.html",
        {
            "client": client,
            "sparkline": spark,
            "missed": missed,
            "summary": sobriety_summary_for(
                client, lapse_dates=selectors.lapse_dates(client=client)
            ),
        },
        request=request,
    )
