"""Aftercare pages for every role, the client's support network and "I need help now"."""

from __future__ import annotations

import pytest

from recoverypath.aftercare.models import HelpRequest, SupportPreferences
from recoverypath.alerts.models import Alert
from recoverypath.notifications.models import Notification

ROLES = [
    ("admin", 200),
    ("clinician", 200),
    ("coordinator", 200),
    ("front_desk", 403),
    ("other_program_clinician", 404),
    ("outsider", 404),
    ("client_user", 403),
]


@pytest.mark.parametrize(("who", "status"), ROLES)
def test_the_plan_page_by_role(client, cast, plan, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(f"/aftercare/plans/{plan.id}/").status_code == status


@pytest.mark.parametrize(("who", "status"), ROLES)
def test_the_start_plan_page_by_role(client, cast, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(f"/clients/{cast.client.id}/aftercare/new/").status_code == status


@pytest.mark.parametrize(
    "action",
    ["components", "contacts", "goals", "extend", "complete", "resume", "step-up"],
)
@pytest.mark.parametrize(("who", "status"), [r for r in ROLES if r[1] != 200])
def test_plan_actions_are_refused_to_others(client, cast, plan, action, who, status):
    client.force_login(getattr(cast, who))
    response = client.post(f"/aftercare/plans/{plan.id}/{action}/", {"reason": "x"})
    assert response.status_code == status


def test_a_coordinator_starts_a_plan_from_the_web(client, cast, at_noon):
    client.force_login(cast.coordinator)
    response = client.post(
        f"/clients/{cast.client.id}/aftercare/new/", {"months": "6", "checkin_every_days": "7"}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "6 months" in page and "every 7 days" in page


def test_a_coordinator_adds_a_component_logs_a_session_and_sees_adherence(client, cast, plan):
    client.force_login(cast.coordinator)
    client.post(
        f"/aftercare/plans/{plan.id}/components/",
        {"kind": "coaching", "frequency": "weekly", "expected_per_week": "1"},
    )
    coaching = plan.components.get(kind="coaching")
    client.post(
        f"/aftercare/plans/{plan.id}/contacts/",
        {"component": coaching.id, "date": "2026-06-14", "attended": "yes"},
    )
    html = client.get(f"/aftercare/plans/{plan.id}/").content.decode()
    assert "Recovery coaching" in html
    assert "50% (1 of ~2" in html  # weekly: about 2 expected in 14 days


def test_the_client_panel_offers_a_plan_or_shows_it(client, cast, at_noon):
    client.force_login(cast.coordinator)
    html = client.get(f"/clients/{cast.client.id}/").content.decode()
    assert "Start an aftercare plan" in html


def test_front_desk_does_not_see_the_aftercare_panel(client, cast, plan):
    client.force_login(cast.front_desk)
    html = client.get(f"/clients/{cast.client.id}/").content.decode()
    assert "Open the plan" not in html


def test_the_support_page_shows_one_tap_call_and_text_and_group_times(client, cast, plan):
    cast.client.support_contacts.create(name="Sam Sponsor", kind="sponsor", phone="+12025550188")
    client.force_login(cast.client_user)
    html = client.get("/me/support/").content.decode()
    assert 'href="tel:+12025550188"' in html and 'href="sms:+12025550188"' in html
    assert "Sam Sponsor" in html
    assert "Mon, Wed, Fri 7pm Hope Group" in html
    assert "I need help now" in html


def test_help_now_shows_988_the_emergency_contacts_and_tells_the_care_team_without_opt_in(
    client, cast, plan
):
    client.force_login(cast.client_user)
    html = client.get("/me/help-now/", follow=True).content.decode()
    assert "988" in html
    assert "Marlow Quillfeather" in html
    assert "Tell my care team now" in html
    assert not HelpRequest.objects.exists()  # looking at the page tells nobody
    response = client.post("/me/help-now/", {"key": "k1"}, follow=True)
    request = HelpRequest.objects.get()
    alert = Alert.objects.get(client=cast.client)
    assert (alert.kind, alert.severity) == ("aftercare.help_requested", "critical")
    assert request.alert == alert
    html = response.content.decode()
    assert "Your care team has been told" in html
    assert "your clinician" in html and "your coordinator" in html


def test_the_help_page_shows_the_clients_own_plan_while_they_wait(client, cast, plan):
    from recoverypath.safety.services import safety_plan_create

    safety_plan_create(
        actor=cast.clinician,
        client=cast.client,
        warning_signs="Skipping meals",
        internal_coping="Walk the dog around the block",
        social_distractions="The library",
        people_to_ask="Aunt Tamsin 202-555-0123",
        professionals="988",
        environment_safety="Keys with a friend",
    )
    client.force_login(cast.client_user)
    html = client.get("/me/help/").content.decode()
    assert "While you wait: my safety plan" in html
    assert "Walk the dog around the block" in html and "Aunt Tamsin 202-555-0123" in html


def test_the_client_chooses_whom_else_to_text_when_asking_for_help(client, cast, plan):
    sponsor = cast.client.support_contacts.create(
        name="Sam Sponsor", kind="sponsor", phone="+12025550188"
    )
    client.force_login(cast.client_user)
    form = client.get("/me/support/").content.decode()
    assert "Sam Sponsor (sponsor)" in form
    client.post("/me/support/", {"text_on_help": [sponsor.id]})
    prefs = SupportPreferences.objects.get(client=cast.client)
    assert list(prefs.text_on_help.all()) == [sponsor]
    client.post("/me/help/", {"key": "k1"})
    text = Notification.objects.get(recipient=None)
    assert (text.channel, text.address, text.critical) == ("sms", sponsor.phone, True)
    assert text.body.startswith("Juniper asked us to text you")
    assert "Quillfeather" not in text.body and "recovery" not in text.body.lower()
    assert HelpRequest.objects.get().contacts_texted == ["Sam Sponsor"]


def test_a_contact_of_another_client_cannot_be_chosen(client, cast, plan):
    from tests.factories import SupportContactFactory

    stranger = SupportContactFactory(client=cast.other_program_client, phone="+12025550177")
    client.force_login(cast.client_user)
    response = client.post("/me/support/", {"text_on_help": [stranger.id]})
    assert response.status_code == 200
    assert "text_on_help" in response.context["form"].errors
    assert not SupportPreferences.objects.exists()


@pytest.mark.parametrize("path", ["/me/support/", "/me/help-now/"])
def test_client_pages_are_404_for_staff(client, cast, path):
    client.force_login(cast.coordinator)
    assert client.get(path).status_code == 404


def test_a_clinician_steps_up_to_iop_from_the_web_answering_the_placement_questions(
    client, cast, plan
):
    client.force_login(cast.clinician)
    url = f"/aftercare/plans/{plan.id}/step-up/"
    assert "Is the living environment unsafe for recovery?" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "Two lapses this week."})
    assert refused.status_code == 200
    assert refused.context["form"].errors["can_attend_hours"] == [
        "Answer this placement question for IOP."
    ]
    plan.refresh_from_db()
    assert plan.status == "active"
    answers = {
        "needs_withdrawal_management": "no",
        "living_environment_unsafe": "no",
        "acute_safety_risk": "no",
        "can_attend_hours": "yes",
    }
    response = client.post(url, {"reason": "Two lapses this week.", **answers})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "paused"
