from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from recoverypath.clients.selectors import client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.forms import add_service_errors
from recoverypath.core.timezones import local_today

from . import selectors, services
from .forms import EnrollmentForm, FinishForm, TransitionForm
from .placement import placement_check


def timeline_panel(request, client) -> str:
    """The client page's "Levels of care" section: the whole timeline, newest first."""
    if not permissions.can_view_client(request.user, client) or permissions.is_client_user(
        request.user, client
    ):
        return ""
    timeline = selectors.episode_timeline(client=client)
    return render_to_string(
        "care/_timeline_panel.html",
        {
            "client": client,
            "episodes": list(reversed(timeline)),
            "can_manage": permissions.can_act_clinically(request.user, client),
        },
        request=request,
    )


@staff_required
def enroll(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not permissions.can_act_clinically(request.user, client):
        raise PermissionDenied
    today = local_today(client.program.time_zone)
    form = EnrollmentForm(
        request.POST or None, user=request.user, client=client, initial={"start_date": today}
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = form.placement_answers()
        warnings = placement_check(answers) if answers is not None else []
        try:
            episode = services.episode_start(
                actor=request.user,
                client=client,
                program=data["program"],
                level_code=data["level_code"],
                track=data["track"],
                start_date=data["start_date"],
                planned_end_date=data["planned_end_date"],
                placement_answers=answers,
                placement_override_reason=data["placement_override_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Enrolled in {episode.level_name}.")
            return redirect("clients:detail", client_id=client.id)
    return render(
        request, "care/enroll.html", {"form": form, "client": client, "warnings": warnings}
    )


def _episode_for_change(request, episode_id: int):
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    if not permissions.can_act_clinically(request.user, episode.client):
        raise PermissionDenied
    return episode


@staff_required
def transition(request, episode_id: int):
    episode = _episode_for_change(request, episode_id)
    form = TransitionForm(
        request.POST or None,
        episode=episode,
        initial={"on_date": local_today(episode.program.time_zone)},
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        answers = form.placement_answers()
        warnings = placement_check(answers, episode.edition) if answers is not None else []
        try:
            new = services.episode_transition(
                actor=request.user,
                episode=episode,
                level_code=form.cleaned_data["level_code"],
                reason=form.cleaned_data["reason"],
                on_date=form.cleaned_data["on_date"],
                placement_answers=answers,
                placement_override_reason=form.cleaned_data["placement_override_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Moved to {new.level_name}.")
            return redirect("clients:detail", client_id=episode.client_id)
    return render(
        request,
        "care/transition.html",
        {"form": form, "episode": episode, "warnings": warnings},
    )


@staff_required
def finish(request, episode_id: int):
    episode = _episode_for_change(request, episode_id)
    form = FinishForm(
        request.POST or None, initial={"end_date": local_today(episode.program.time_zone)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_finish(
                actor=request.user,
                episode=episode,
                end_reason=form.cleaned_data["end_reason"],
                end_date=form.cleaned_data["end_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Episode finished.")
            return redirect("clients:detail", client_id=episode.client_id)
    return render(
        request,
        "care/episode_form.html",
        {"form": form, "episode": episode, "title": "Finish episode", "submit": "Finish"},
    )


def client_url(client) -> str:
    return reverse("clients:detail", args=[client.id])
