"""Who may record, revoke and share a client's consents. One rule per function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def can_record_consent(user: User, client) -> bool:
    """The client themself (from their phone), or coordinators and above of their program."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_revoke_consent(user: User, consent) -> bool:
    if permissions.is_client_user(user, consent.client):
        return True
    return permissions.can_coordinate(user, consent.client)


def can_invite_family(user: User, consent) -> bool:
    """The client, or staff (coordinator and above) with the client present."""
    if permissions.is_client_user(user, consent.client):
        return True
    return permissions.can_coordinate(user, consent.client)


def can_view_disclosures(user: User, client) -> bool:
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_handle_family_message(user: User, client) -> bool:
    return permissions.can_coordinate(user, client)
