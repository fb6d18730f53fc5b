"""What the discharge pages share: a form saved through a service, the coordinator gate."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.core import permissions
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.permissions import Rank


def save_form(request, form, write: Callable[[], object], *, success: str) -> bool:
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


def coordinator_required(request) -> None:
    if not permissions.staff_program_ids(request.user, min_rank=Rank.COORDINATOR):
        raise PermissionDenied
