"""Demo consents: the demo client's sister has a family login and sees attendance, schedule,
check-ins and sobriety days; a provider consent ends within two weeks (on the to-do list)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from recoverypath.accounts.invitations import INVITATION_HOURS, token_hash
from recoverypath.accounts.models import Invitation, User

from .models import Consent, Purpose, RecipientKind

HOW_TO_REVOKE = "Tap Revoke on this consent in RecoveryPath, or write to the program."


def extend(*, result, rng, today, staff, clients) -> None:
    client = next((c for c in clients if c.user_id is not None), None)
    if client is None:
        return
    suffix = "" if result.organization.slug == "demo-1" else f".{result.organization.slug[5:]}"
    family = User.objects.create(
        email=f"family{suffix}@demo.example.org",
        first_name="Marigold",
        last_name=client.last_name,
        password=make_password(result.password),
    )
    common = dict(
        organization_id=client.organization_id,
        client=client,
        patient_name=f"{client.first_name} {client.last_name}",
        disclosing_party=result.programs[0].name,
        revocation_right_explained=True,
        how_to_revoke=HOW_TO_REVOKE,
        signed_by_name=f"{client.first_name} {client.last_name}",
        signature_attested=True,
        signed_at=timezone.now(),
        created_by=client.user,
    )
    sister = Consent.objects.create(
        **common,
        information_description="Attendance; Appointments and schedule; Check-in summary; "
        "Sobriety days and milestones",
        categories=["attendance", "schedule", "check_ins", "sobriety"],
        recipient_kind=RecipientKind.FAMILY,
        recipient_name=f"Marigold {client.last_name} (sister)",
        recipient_user=family,
        purposes=[Purpose.FAMILY_INVOLVEMENT],
        expires_on=today + timedelta(days=120),
        signed_on=today - timedelta(days=6),
    )
    Consent.objects.create(
        **common,
        information_description="Discharge summary; Aftercare plan",
        categories=["discharge_summary", "aftercare_plan"],
        recipient_kind=RecipientKind.PROVIDER,
        recipient_name="Birchlight Counseling (fictional)",
        purposes=[Purpose.CARE_COORDINATION],
        expires_on=today + timedelta(days=10),
        signed_on=today - timedelta(days=80),
    )
    sent = timezone.now() - timedelta(days=5)
    Invitation.objects.create(
        organization_id=client.organization_id,
        program_id=client.program_id,
        kind=Invitation.Kind.FAMILY,
        channel=Invitation.Channel.EMAIL,
        email=family.email,
        subject_type="consent.consent",
        subject_id=str(sister.id),
        name=sister.recipient_name,
        token_hash=token_hash(secrets.token_urlsafe(32)),
        status=Invitation.Status.ACCEPTED,
        expires_at=sent + timedelta(hours=INVITATION_HOURS),
        invited_by=client.user,
        accepted_by=family,
        accepted_at=sent + timedelta(hours=2),
    )
    result.add_login("family", family.email)
