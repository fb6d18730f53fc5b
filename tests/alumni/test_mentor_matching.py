"""Mentor matching needs both sides' consent and staff approval: the client asks (their
consent), the mentor agrees (theirs), staff approve; only then is the match active, and both
see it with first names only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recoverypath.alumni import services
from recoverypath.alumni.models import MentorMatch


@pytest.fixture
def offer(cast, alumni):
    rowan = alumni["rowan"]
    member = services.member_join(actor=rowan.user, client=rowan, listed=False)
    offer = services.mentor_volunteer(actor=rowan.user, member=member, note="Two years sober")
    return offer


def test_an_offer_must_be_approved_by_staff_before_anyone_can_ask(cast, alumni, offer):
    tansy = alumni["tansy"]
    with pytest.raises(ValidationError):
        services.mentor_ask(actor=tansy.user, client=tansy, offer=offer)
    with pytest.raises(PermissionDenied):
        services.mentor_offer_decide(actor=cast.front_desk, offer=offer, approve=True)
    services.mentor_offer_decide(actor=cast.coordinator, offer=offer, approve=True)
    assert services.mentor_ask(actor=tansy.user, client=tansy, offer=offer).status == "requested"


@pytest.mark.parametrize("order", [("mentor", "staff"), ("staff", "mentor")])
def test_a_match_is_active_only_with_both_consents_and_staff(cast, alumni, offer, order):
    tansy, rowan = alumni["tansy"], alumni["rowan"]
    services.mentor_offer_decide(actor=cast.coordinator, offer=offer, approve=True)
    match = services.mentor_ask(actor=tansy.user, client=tansy, offer=offer)
    first, second = order
    steps = {
        "mentor": lambda m: services.mentor_agree(actor=rowan.user, match=m, agree=True),
        "staff": lambda m: services.match_approve(actor=cast.coordinator, match=m, approve=True),
    }
    match = steps[first](match)
    assert match.status == "requested"
    match = steps[second](match)
    assert match.status == "active"


def test_the_mentor_can_refuse_and_nobody_else_can_consent_for_them(cast, alumni, offer):
    tansy, rowan = alumni["tansy"], alumni["rowan"]
    services.mentor_offer_decide(actor=cast.coordinator, offer=offer, approve=True)
    match = services.mentor_ask(actor=tansy.user, client=tansy, offer=offer)
    for someone in (tansy.user, cast.coordinator, cast.client_user):
        with pytest.raises(PermissionDenied):
            services.mentor_agree(actor=someone, match=match, agree=True)
    services.match_approve(actor=cast.coordinator, match=match, approve=True)
    match = services.mentor_agree(actor=rowan.user, match=match, agree=False)
    assert match.status == "declined"


def test_only_the_client_can_ask_for_themself(cast, alumni, offer):
    services.mentor_offer_decide(actor=cast.coordinator, offer=offer, approve=True)
    with pytest.raises(PermissionDenied):
        services.mentor_ask(actor=cast.coordinator, client=alumni["tansy"], offer=offer)


def test_the_database_refuses_an_active_match_without_both_consents(cast, alumni, offer):
    services.mentor_offer_decide(actor=cast.coordinator, offer=offer, approve=True)
    match = services.mentor_ask(actor=alumni["tansy"].user, client=alumni["tansy"], offer=offer)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorMatch.objects.filter(pk=match.pk).update(status="active")


def test_on_the_web_both_see_the_match_by_first_name_only(client, cast, alumni, offer):
    tansy, rowan = alumni["tansy"], alumni["rowan"]
    client.force_login(cast.coordinator)
    client.post(f"/alumni/offers/{offer.id}/", {"approve": "yes"})
    client.force_login(tansy.user)
    client.post(f"/me/alumni/mentor/{offer.id}/ask/")
    match = MentorMatch.objects.get()
    client.force_login(cast.coordinator)
    client.post(f"/alumni/matches/{match.id}/", {"approve": "yes"})
    client.force_login(rowan.user)
    client.post(f"/me/alumni/matches/{match.id}/agree/", {"agree": "yes"})
    match.refresh_from_db()
    assert match.status == "active"
    mentee_page = client.get("/me/alumni/").content.decode()  # as Rowan, the mentor
    assert "You mentor <strong>Tansy</strong>" in mentee_page and "Wickerbee" not in mentee_page
    client.force_login(tansy.user)
    page = client.get("/me/alumni/").content.decode()
    assert "Your mentor: <strong>Rowan</strong>" in page and "Thistledown" not in page
