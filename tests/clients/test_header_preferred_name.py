"""The page header greets people by their preferred name (#18 part 7)."""

from __future__ import annotations

import pytest

from recoverypath.accounts.models import User
from recoverypath.clients import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _whoami(html: str) -> str:
    start = html.index('class="whoami"')
    return html[html.index(">", start) + 1 : html.index("</a>", start)]


def test_the_header_shows_the_clients_preferred_name_once_their_record_has_one(client, cast):
    client.force_login(cast.client_user)
    assert _whoami(client.get("/me/").content.decode()) == "Juniper"
    services.client_update(actor=cast.clinician, client=cast.client, preferred_name="June")
    assert _whoami(client.get("/me/").content.decode()) == "June"
    assert User.objects.get(pk=cast.client_user.pk).preferred_name == "June"


def test_linking_a_login_carries_the_preferred_name(client, cast):
    services.client_update(actor=cast.clinician, client=cast.client, preferred_name="June")
    login = UserFactory(email="june-new@test.example.org", first_name="Juniper")
    services.client_link_user(actor=cast.clinician, client=cast.client, user=login)
    client.force_login(login)
    assert _whoami(client.get("/me/").content.decode()) == "June"


def test_a_staff_members_preferred_name_is_shown_in_the_header(client, cast):
    User.objects.filter(pk=cast.clinician.pk).update(preferred_name="Cleo B.")
    client.force_login(cast.clinician)
    assert _whoami(client.get("/clients/").content.decode()) == "Cleo B."
