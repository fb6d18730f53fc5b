"""Invitations (accounts): what each kind of invitation grants, and how a link goes by text.

- Invitation kinds: what accepting one kind of invitation means. Each kind is registered by the
  app that owns what it grants (accounts: staff, clients: client, consent: family); one entry per
  `InvitationKind.kind`.
- SMS senders: how accounts sends an invitation link by text message. notifications (later in
  the order) registers its configured SMS provider; accounts uses the first sender registered
  and refuses SMS invitations while there is none.

`Invitation` and `User` are accounts' models (core comes before accounts, so they are `Any` here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import Hook


@dataclass(frozen=True)
class InvitationKind:
    """What accepting one kind of invitation means.

    can_manage(user, invitation) -> may `user` see, re-send or revoke it.
    check(invitation, data) -> {field: message} for the extra answers (e.g. date of birth).
    accept(invitation, user) -> grants what the invitation is for (inside the acceptance
    transaction); raises ValidationError to refuse.
    landing(user) -> the URL the person lands on after accepting.
    extra_fields: names of the extra answers the acceptance form asks for.
    """

    kind: str
    can_manage: Callable[[Any, Any], bool]
    accept: Callable[[Any, Any], None]
    landing: Callable[[Any], str]
    check: Callable[[Any, dict[str, Any]], dict[str, str]] = lambda inv, data: {}
    extra_fields: tuple[str, ...] = field(default_factory=tuple)


class SmsSender(Protocol):
    def __call__(self, to: str, body: str, key: str, /) -> str:
        """Send one text; return the provider's message id (raises on failure)."""
        ...


invitation_kinds: Hook[InvitationKind] = Hook(
    "invitation kinds", "What accepting each kind of invitation (staff, client, family) grants"
)
sms_senders: Hook[SmsSender] = Hook(
    "sms senders", "Sends an invitation link by text: sender(to, body, key) -> message id"
)


def register_invitation_kind(kind: InvitationKind) -> InvitationKind:
    return invitation_kinds.register(kind, key=kind.kind)


def register_sms_sender(sender: SmsSender) -> SmsSender:
    return sms_senders.register(sender)


def invitation_kinds_by_name() -> dict[str, InvitationKind]:
    return {kind.kind: kind for kind in invitation_kinds}


def sms_sender() -> SmsSender | None:
    """The sender invitations use, or None when no app can send texts."""
    senders = sms_senders.entries()
    return senders[0] if senders else None
