"""The family invitation kind: accepting links the new (or existing) login to the consent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from recoverypath.accounts.invitations import InvitationKind
from recoverypath.accounts.selectors import InvitationKinds

from . import permissions as rules
from .models import Consent

if TYPE_CHECKING:
    from recoverypath.accounts.models import Invitation, User


def _can_manage(user: User, invitation: Invitation) -> bool:
    consent = Consent.objects.select_related("client").filter(pk=int(invitation.subject_id)).first()
    return consent is not None and rules.can_invite_family(user, consent)


def _accept(invitation: Invitation, user: User) -> None:
    from .services import consent_link_recipient

    consent_link_recipient(consent_id=int(invitation.subject_id), user=user)


# Accepting a family invitation links the login to the consent (consent's ready()).
FAMILY_INVITATION = InvitationKind(
    kind=InvitationKinds.FAMILY,
    can_manage=_can_manage,
    accept=_accept,
    landing=lambda user: reverse("consent:family_home"),
)
