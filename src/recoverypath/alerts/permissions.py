"""Who may act on an alert. One rule per function, one condition per line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

    from .models import Alert


def can_act_on_alert(user: User, alert: Alert) -> bool:
    """Acknowledge, assign, resolve: coordinators, clinicians and admins of the client's program."""
    return permissions.can_coordinate(user, alert.client)
