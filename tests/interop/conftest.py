from __future__ import annotations

from datetime import timedelta

import pytest

from recoverypath.accounts.models import User
from recoverypath.clients.models import Client
from recoverypath.consent.services import consent_create
from recoverypath.core.timezones import local_today
from recoverypath.demo.generator import build


@pytest.fixture
def demo(db):
    """A small demo organization (full records from every app) with one signed consent."""
    result = build(clients=6, seed=7)
    client = Client.objects.filter(organization=result.organization).order_by("id").first()
    today = local_today(client.time_zone)
    consent_create(
        actor=User.objects.get(email="coordinator.7@demo.example.org"),
        client=client,
        information_description="Discharge summary and aftercare plan",
        recipient_name="Birchlight Counseling (fictional)",
        purposes=["treatment"],
        revocation_right_explained=True,
        how_to_revoke="Write to the program director.",
        expires_on=today + timedelta(days=90),
        signed_by_name=f"{client.first_name} {client.last_name}",
        signed_on=today,
        categories=["discharge_summary", "aftercare_plan"],
        signature_attested=True,
    )
    return result
