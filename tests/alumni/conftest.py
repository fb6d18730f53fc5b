from __future__ import annotations

from datetime import date

import pytest

from recoverypath.care.models import EpisodeOfCare
from recoverypath.monitoring.models import CheckIn
from tests.factories import ClientFactory, UserFactory


def graduate(client) -> None:
    EpisodeOfCare.objects.create(
        client=client,
        program=client.program,
        level_code="2.1",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 3, 20),
        status="finished",
    )


def client_with_login(program, first: str, last: str, mrn: str):
    user = UserFactory(email=f"{first.lower()}@test.example.org", first_name=first)
    return ClientFactory(program=program, first_name=first, last_name=last, user=user, mrn=mrn)


@pytest.fixture
def alumni(cast):
    """Juniper (the cast's client, graduated), Rowan (graduated, listed member with clinical
    data), Sorrel (graduated, never joined: the non-consenting client), Tansy (current client)."""
    graduate(cast.client)
    rowan = client_with_login(cast.program, "Rowan", "Thistledown", "A-0777")
    sorrel = client_with_login(cast.program, "Sorrel", "Brackenridge", "A-0888")
    tansy = client_with_login(cast.program, "Tansy", "Wickerbee", "A-0999")
    graduate(rowan)
    graduate(sorrel)
    for person in (rowan, sorrel):
        CheckIn.objects.create(
            client=person,
            date=date(2026, 4, 1),
            mood=2,
            craving=9,
            sleep_hours=4,
            stress=8,
            note=f"{person.first_name} private check-in note",
        )
    return {"rowan": rowan, "sorrel": sorrel, "tansy": tansy}
