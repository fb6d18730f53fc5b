"""Integration: the real Huey consumer against Redis delivers an alert's e-mail through a local
SMTP server started here (aiosmtpd). Runs wherever REDIS_URL is set (CI's PostgreSQL run)."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.utils.module_loading import autodiscover_modules

from recoverypath.alerts.services import alert_raise
from recoverypath.notifications.models import Notification

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs Redis: set REDIS_URL (CI's PostgreSQL run does)",
    ),
    pytest.mark.django_db(transaction=True),
]


class Mailbox:
    """aiosmtpd handler: keeps what it accepts; can refuse the first N messages (4xx)."""

    def __init__(self):
        self.accepted: list = []
        self.refuse = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.accepted.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    yield mailbox
    controller.stop()


@pytest.fixture
def worker():
    """The project's Huey instance switched to its real Redis storage (own queue name), with a
    consumer running in this process's threads, so it shares the test database."""
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    saved_name = HUEY.name
    HUEY.name = f"recoverypath-test-{uuid.uuid4().hex[:10]}"
    HUEY.immediate = False  # recreates the storage: RedisStorage at settings.REDIS_URL
    assert type(HUEY.storage).__name__ == "RedisStorage"
    consumer = HUEY.create_consumer(
        workers=2,
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        max_delay=0.2,
        scheduler_interval=1,
        check_worker_health=False,
    )
    consumer._set_signal_handlers = lambda: None  # signals belong to pytest's main thread
    consumer.start()
    yield HUEY
    consumer.stop(graceful=True)
    HUEY.storage.flush_all()
    HUEY.name = saved_name
    HUEY.immediate = True


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _coordinator_only(cast) -> None:
    """The care team step tells the primary clinician and the coordinator together: these tests
    follow one e-mail, so the client has a coordinator only."""
    cast.client.primary_clinician = None
    cast.client.save(update_fields=["primary_clinician"])


def test_the_worker_on_redis_delivers_an_alert_email_through_smtp(cast, smtp, worker):
    assert threading.active_count() > 1
    _coordinator_only(cast)
    alert = alert_raise(
        client=cast.client,
        kind="monitoring.no_checkin",
        severity="high",
        reason="No daily check-in for 2 days.",
        dedup_key=f"monitoring:no-checkin:{cast.client.id}:redis",
    )
    row = Notification.objects.get(recipient=cast.coordinator, channel="email")
    assert _wait_for(lambda: len(smtp.accepted) == 1), "the worker did not deliver the e-mail"
    envelope = smtp.accepted[0]
    assert envelope.rcpt_tos == [cast.coordinator.email]
    content = envelope.content.decode()
    assert f"/alerts/{alert.id}/" in content
    assert "Juniper" not in content and "check-in" not in content
    assert _wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.provider_message_id == f"<notification-{row.id}@recoverypath>"


def test_the_worker_retries_a_refused_email_and_delivers_it_once(cast, smtp, worker, settings):
    settings.NOTIFICATION_RETRY_SECONDS = 1
    smtp.refuse = 1
    _coordinator_only(cast)
    alert_raise(
        client=cast.client,
        kind="monitoring.no_checkin",
        severity="medium",
        reason="No daily check-in for 2 days.",
        dedup_key=f"monitoring:no-checkin:{cast.client.id}:redis-retry",
    )
    row = Notification.objects.get(recipient=cast.coordinator, channel="email")
    assert _wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    time.sleep(1.5)  # room for a wrongful second send to show up
    row.refresh_from_db()
    assert (smtp.refused, len(smtp.accepted), row.attempts) == (1, 1, 2)
