"""Who may record, revoke and share a client's consents. One rule per function."""

from __future__ import annotations

from recoverypath.core import permissions


def can_record_consent(user, client) -> bool:
    """The client themself (from their phone), or coordinators and above of their program."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_revoke_consent(user, consent) -> bool:
    if permissions.is_client_user(user, consent.client):
        return True
    return permissions.can_coordinate(user, consent.client)


def can_invite_family(user, consent) -> bool:
    """The client, or staff (coordinator and above) with the client present."""
    if permissions.is_client_user(user, consent.client):
        return True
    return permissions.can_coordinate(user, consent.client)


def can_view_disclosures(user, client) -> bool:
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_handle_family_message(user, client) -> bool:
    return permissions.can_coordinate(user, client)
