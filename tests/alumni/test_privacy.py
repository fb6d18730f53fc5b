"""Alumni see no clinical data of each other: on every alumni page a member can open, a client
who did not consent (never joined, or joined unlisted) does not appear at all, and a listed
member appears by first name only, with nothing from their record. Membership is shown only to
members who are listed themselves. Asking for help reaches the care team, not the community."""

from __future__ import annotations

import pytest

from recoverypath.alerts.models import Alert
from recoverypath.alumni import services
from recoverypath.alumni.models import Member

MEMBER_PAGES = ["/me/alumni/", "/me/"]


def _secrets(person) -> list[str]:
    return [person.last_name, person.mrn, "private check-in note", str(person.date_of_birth.year)]


@pytest.mark.parametrize("page", MEMBER_PAGES)
@pytest.mark.parametrize("how", ["never_joined", "joined_unlisted", "left"])
def test_a_non_consenting_client_is_on_no_alumni_page(client, cast, alumni, page, how):
    sorrel = alumni["sorrel"]
    services.member_join(actor=cast.client_user, client=cast.client, listed=True)
    if how != "never_joined":
        member = services.member_join(actor=sorrel.user, client=sorrel, listed=False)
        if how == "left":
            services.member_leave(actor=sorrel.user, member=member)
    client.force_login(cast.client_user)
    html = client.get(page).content.decode()
    assert "Sorrel" not in html
    for secret in _secrets(sorrel):
        assert secret not in html


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_a_listed_member_shows_by_first_name_only(client, cast, alumni, page):
    rowan = alumni["rowan"]
    services.member_join(actor=rowan.user, client=rowan, listed=True, about="Loves hiking")
    services.member_join(actor=cast.client_user, client=cast.client, listed=True)
    client.force_login(cast.client_user)
    html = client.get(page).content.decode()
    if page == "/me/alumni/":
        assert "Rowan: Loves hiking" in html
    for secret in _secrets(rowan):
        assert secret not in html


def test_membership_is_shown_only_to_listed_members(client, cast, alumni):
    rowan = alumni["rowan"]
    services.member_join(actor=rowan.user, client=rowan, listed=True)
    services.member_join(actor=cast.client_user, client=cast.client, listed=False)
    client.force_login(cast.client_user)
    assert "Rowan" not in client.get("/me/alumni/").content.decode()
    client.force_login(alumni["tansy"].user)  # a current client, not an alumnus
    assert "Rowan" not in client.get("/me/alumni/").content.decode()


def test_only_clients_who_finished_iop_can_join(cast, alumni):
    from django.core.exceptions import ValidationError

    tansy = alumni["tansy"]
    with pytest.raises(ValidationError):
        services.member_join(actor=tansy.user, client=tansy, listed=True)
    assert not Member.objects.filter(client=tansy).exists()


def test_asking_for_help_raises_an_alert_for_the_care_team_not_a_post(client, cast, alumni):
    member = services.member_join(actor=cast.client_user, client=cast.client, listed=True)
    rowan = alumni["rowan"]
    services.member_join(actor=rowan.user, client=rowan, listed=True)
    client.force_login(cast.client_user)
    response = client.post("/me/alumni/help/", {"message": "Rough week, please call"})
    assert response.status_code == 302
    alert = Alert.objects.get(kind="alumni.help")
    assert alert.client_id == cast.client.id and "Rough week" in alert.reason
    assert member.help_requests.count() == 1
    client.force_login(rowan.user)
    assert "Rough week" not in client.get("/me/alumni/").content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("client", 404),
        ("front_desk", 404),
        ("coordinator", 200),
        ("admin", 200),
        ("other_program", 200),  # their own program's page, never program A's members
        ("outsider", 200),
    ],
)
def test_the_staff_page_by_role(client, cast, alumni, role, status):
    services.member_join(actor=cast.client_user, client=cast.client, listed=True)
    user = cast.person(role)
    if user is not None:
        client.force_login(user)
    response = client.get("/alumni/")
    assert response.status_code == status
    if status == 200:
        shown = "Quillfeather" in response.content.decode()
        assert shown == (role in ("coordinator", "admin"))


def test_staff_of_another_program_cannot_moderate(client, cast, alumni):
    member = services.member_join(actor=cast.client_user, client=cast.client, listed=True)
    client.force_login(cast.other_program_clinician)
    response = client.post(f"/alumni/members/{member.id}/suspend/", {"reason": "x"})
    assert response.status_code == 404
    client.force_login(cast.coordinator)
    response = client.post(
        f"/alumni/members/{member.id}/suspend/", {"reason": "Posted a phone number"}
    )
    member.refresh_from_db()
    assert member.status == "suspended"


def test_the_staff_moderation_page_audits_every_client_it_names(client, cast, alumni):
    from recoverypath.core.models import AuditEvent

    rowan = alumni["rowan"]
    services.member_join(actor=cast.client_user, client=cast.client, listed=True)
    services.member_join(actor=rowan.user, client=rowan, listed=False)
    client.force_login(cast.coordinator)
    response = client.get(f"/alumni/?program={cast.program.id}")
    assert response.status_code == 200
    assert "Rowan" in response.content.decode()
    listed = AuditEvent.objects.filter(actor=cast.coordinator, action="list")
    assert set(listed.values_list("client_id", flat=True)) >= {cast.client.id, rowan.id}
