"""The SMS provider interface: an HTTP gateway (a local server here) and the console."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ImproperlyConfigured

from recoverypath.notifications.channels import DeliveryError
from recoverypath.notifications.channels.sms.providers import (
    ConsoleSmsProvider,
    HttpSmsProvider,
    provider_from_settings,
)


def test_the_http_provider_posts_json_with_a_bearer_token(sms_gateway):
    provider = HttpSmsProvider(url=sms_gateway.url, token="tok-123", sender="+12025550100")
    message_id = provider.send(to="+12025550143", body="You have a reminder", key="notification-9")
    [request] = sms_gateway.requests
    assert request["headers"]["Authorization"] == "Bearer tok-123"
    assert request["headers"]["Idempotency-Key"] == "notification-9"
    assert request["json"] == {
        "to": "+12025550143",
        "body": "You have a reminder",
        "from": "+12025550100",
    }
    assert message_id == "gw-1"


def test_the_http_provider_turns_an_error_answer_into_a_delivery_error(sms_gateway):
    sms_gateway.script = [401]
    provider = HttpSmsProvider(url=sms_gateway.url, token="wrong")
    with pytest.raises(DeliveryError, match="401"):
        provider.send(to="+12025550143", body="x", key="k")


def test_the_http_provider_reports_an_unreachable_gateway():
    provider = HttpSmsProvider(url="http://127.0.0.1:9/none", token="t", timeout=2)
    with pytest.raises(DeliveryError, match="unreachable"):
        provider.send(to="+12025550143", body="x", key="k")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://sms.example.org/", "sms.example.org"])
def test_the_http_provider_refuses_a_gateway_url_that_is_not_http(url):
    with pytest.raises(ImproperlyConfigured, match="SMS_URL"):
        HttpSmsProvider(url=url, token="t")


def test_the_console_provider_prints_the_message():
    out = io.StringIO()
    message_id = ConsoleSmsProvider(stream=out).send(to="+12025550143", body="Hello", key="k")
    assert out.getvalue() == "SMS to +12025550143: Hello\n"
    assert message_id.startswith("console-")


def test_settings_choose_the_provider(settings):
    settings.SMS_URL = ""
    assert isinstance(provider_from_settings(), ConsoleSmsProvider)
    settings.SMS_URL = "https://sms.example.org/send"
    assert isinstance(provider_from_settings(), HttpSmsProvider)
