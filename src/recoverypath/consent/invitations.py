"""The family invitation kind: accepting links the new (or existing) login to the consent."""

from __future__ import annotations

from django.urls import reverse

from recoverypath.accounts.invitations import InvitationKind
from recoverypath.accounts.models import Invitation

from . import permissions as rules
from .models import Consent


def _can_manage(user, invitation: Invitation) -> bool:
    consent = Consent.objects.select_related("client").filter(pk=int(invitation.subject_id)).first()
    return consent is not None and rules.can_invite_family(user, consent)


def _accept(invitation: Invitation, user) -> None:
    from .services import consent_link_recipient

    consent_link_recipient(consent_id=int(invitation.subject_id), user=user)


# Accepting a family invitation links the login to the consent (consent's ready()).
FAMILY_INVITATION = InvitationKind(
    kind=Invitation.Kind.FAMILY,
    can_manage=_can_manage,
    accept=_accept,
    landing=lambda user: reverse("consent:family_home"),
)
