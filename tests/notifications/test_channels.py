"""Channels are folders plus one registry line; health information goes only where a transport
says it may, and a channel that says nothing gets the link only."""

from __future__ import annotations

import pytest

from recoverypath.core.hooks.channels import (
    channel_may_carry_health_information,
    channel_transports,
    channels,
    register_channel,
)
from recoverypath.notifications.channels import BaseTransport, channel_folder
from recoverypath.notifications.forms import preference_form_class
from recoverypath.notifications.messages import render_message
from recoverypath.notifications.models import Channel, NotificationPreference

SECRET = "Juniper Quillfeather relapsed on opioids"


class PagerTransport:
    """A new channel written without the base class and without a word about health data."""

    name = "pager"
    delivers_on_write = False
    on_by_default = False

    def address(self, recipient, preference) -> str:
        return "pager-1"

    def send(self, notification) -> str:
        return "sent"


class FaxTransport(BaseTransport):
    name = "fax"


@pytest.fixture
def only_for_this_test(monkeypatch):
    """Registrations made in the test are forgotten afterwards."""
    monkeypatch.setattr(channels, "_entries", list(channels._entries))


def test_the_channels_are_in_app_email_and_sms_in_that_order():
    assert [t.name for t in channel_transports()] == ["in_app", "email", "sms"]


def test_only_in_app_declares_it_may_carry_health_information():
    assert channel_may_carry_health_information("in_app")
    assert not channel_may_carry_health_information("email")
    assert not channel_may_carry_health_information("sms")
    assert not channel_may_carry_health_information("a channel nobody registered")


@pytest.mark.parametrize("transport", [PagerTransport(), FaxTransport()], ids=["duck", "base"])
def test_a_new_channel_that_says_nothing_gets_no_health_information(
    only_for_this_test, transport, settings
):
    register_channel(transport)
    assert not channel_may_carry_health_information(transport.name)
    subject, body = render_message(
        template="alerts.raised",
        channel=transport.name,
        context={"severity": "critical", "kind_label": SECRET, "reason": SECRET},
        link="/alerts/7/",
    )
    assert body == f"You have a new alert in RecoveryPath: {settings.SITE_URL}/alerts/7/"
    assert "Juniper" not in subject and "opioids" not in body


def test_in_app_gets_the_context(settings):
    _, body = render_message(
        template="reminder", channel="in_app", context={"headline": SECRET}, link="/x/"
    )
    assert body == SECRET


@pytest.mark.parametrize("name", ["in_app", "email", "sms"])
def test_each_channel_folder_holds_its_transport_and_default_messages(name):
    folder = channel_folder(name)
    assert folder.name == name
    assert (folder / "transport.py").is_file()
    assert (folder / "messages" / "default" / "subject.txt").is_file()
    assert (folder / "messages" / "default" / "body.txt").is_file()


def test_a_message_without_templates_of_its_own_uses_the_channel_defaults(settings):
    _, body = render_message(template="nothing.of.its.own", channel="sms", context={}, link="/a/")
    assert body == f"You have something new in RecoveryPath: {settings.SITE_URL}/a/"
    _, body = render_message(
        template="nothing.of.its.own", channel="in_app", context={"headline": "Hi"}, link=""
    )
    assert body == "Hi"


def test_every_registered_channel_has_a_choice_and_a_preference_column():
    for transport in channel_transports():
        assert transport.name in Channel.values
        field = NotificationPreference._meta.get_field(transport.name)
        assert field.get_internal_type() == "BooleanField"


def test_the_preferences_form_and_api_offer_one_checkbox_per_channel(client, cast):
    names = [t.name for t in channel_transports()]
    assert list(preference_form_class()().fields)[: len(names)] == names
    client.force_login(cast.coordinator)
    data = client.get("/api/v1/notification-preferences/").json()
    assert list(data)[: len(names)] == names
