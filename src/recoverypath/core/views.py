from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions
from .errors import RETRY_AFTER_SECONDS, is_service_unavailable, json_503
from .hooks.navigation import NavItem
from .pagination import paginate
from .todo import todo_audit, todo_list


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the page must render even when the database, a navigation provider or
    # a context processor is what failed. Django calls this inside its `except` block, so the
    # error being handled is sys.exc_info()'s: an unreachable database or queue is a 503 with
    # Retry-After (JSON under /api/), not a 500.
    if is_service_unavailable(sys.exc_info()[1]):
        if request.path.startswith("/api/"):
            return json_503(request)
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


@login_required
def todo(request):
    if not permissions.is_staff_member(request.user):
        raise Http404  # the staff area does not exist for clients
    page = paginate(request, todo_list(user=request.user), per_page=50)
    todo_audit(user=request.user, items=page)
    return render(request, "core/todo.html", {"items": page, "page": page})


def nav_items(request) -> list[NavItem]:
    if permissions.is_staff_member(request.user):
        return [NavItem(_("To do"), reverse("core:todo"), order=20)]
    return []
