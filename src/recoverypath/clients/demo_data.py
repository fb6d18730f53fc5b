"""Demo invitations: clients invited (waiting), accepted and expired, and a staff invitation."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from recoverypath.accounts.invitations import INVITATION_HOURS, token_hash
from recoverypath.accounts.models import Invitation, Role, User


def _invitation(**fields) -> Invitation:
    # An unguessable token nobody holds: demo links cannot be opened, only their states shown.
    return Invitation(token_hash=token_hash(secrets.token_urlsafe(32)), **fields)


def extend(*, result, rng, today, staff, clients) -> None:
    now = timezone.now()
    without_login = [c for c in clients if c.user_id is None][:3]
    rows = []
    for state, client in zip(("pending", "accepted", "expired"), without_login, strict=False):
        sent = now - timedelta(hours=4 if state == "pending" else INVITATION_HOURS + 30)
        invitation = _invitation(
            organization_id=client.organization_id,
            program_id=client.program_id,
            kind=Invitation.Kind.CLIENT,
            channel=Invitation.Channel.EMAIL,
            email=client.email,
            subject_type="clients.client",
            subject_id=str(client.id),
            name=client.first_name,
            expires_at=sent + timedelta(hours=INVITATION_HOURS),
            invited_by=staff["frontdesk"],
        )
        if state == "accepted":
            user = User.objects.create(
                email=client.email,
                first_name=client.first_name,
                last_name=client.last_name,
                password=make_password(None),  # the demo client set a password we don't know
            )
            client.user = user
            client.save(update_fields=["user"])
            invitation.status = Invitation.Status.ACCEPTED
            invitation.accepted_by = user
            invitation.accepted_at = sent + timedelta(hours=5)
        rows.append(invitation)
        Invitation.objects.bulk_create([invitation])
        Invitation.objects.filter(pk=invitation.pk).update(created_at=sent)
    program = result.programs[0]
    slug = result.organization.slug
    suffix = "" if slug == "demo-1" else f".{slug.removeprefix('demo-')}"
    Invitation.objects.bulk_create(
        [
            _invitation(
                organization_id=program.organization_id,
                program=program,
                kind=Invitation.Kind.STAFF,
                channel=Invitation.Channel.EMAIL,
                email=f"newhire{suffix}@demo.example.org",
                role=Role.CLINICIAN,
                subject_type="accounts.program",
                subject_id=str(program.id),
                name="Nell Newhirington",
                expires_at=now + timedelta(hours=INVITATION_HOURS - 2),
                invited_by=staff["admin"],
            )
        ]
    )
