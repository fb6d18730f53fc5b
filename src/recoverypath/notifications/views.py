from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.clients.selectors import client_for_user_account
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.pagination import paginate

from . import selectors, services
from .forms import ReminderSettingsForm, preference_form_class


def nav_items(request) -> list[NavItem]:
    unread = selectors.notification_unread_count(user=request.user)
    return [
        NavItem(
            _("Notifications"),
            reverse("notifications:list"),
            order=90,
            badge=unread or None,
            badge_label=_("unread"),
        )
    ]


@login_required
def notification_list(request):
    page = paginate(request, selectors.notification_list_for_user(user=request.user))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_mark_all_read(request):
    services.notification_mark_read(user=request.user)
    return redirect("notifications:list")


@login_required
def preferences(request):
    instance = services.preference_for(request.user)
    is_client = client_for_user_account(user=request.user) is not None
    form = preference_form_class(client=is_client)(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def reminder_settings(request, program_id: int):
    """A program's reminders: on/off and times (program admins; 404 for anyone else)."""
    program = selectors.reminder_settings_program_get(user=request.user, program_id=program_id)
    current = selectors.reminder_configs(program_id=program.id)
    form = ReminderSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_settings_update(
                actor=request.user, program=program, changes=form.changes()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Reminder settings saved.")
            return redirect("notifications:reminder_settings", program_id=program.id)
    return render(
        request, "notifications/reminder_settings.html", {"form": form, "program": program}
    )
