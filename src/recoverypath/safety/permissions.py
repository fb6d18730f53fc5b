"""Who may write a client's safety plan, profile and reviews. One rule per function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def can_write_safety_plan(user: User, client: Client) -> bool:
    """Clinicians and admins write the plan, with the client."""
    return permissions.can_act_clinically(user, client)
