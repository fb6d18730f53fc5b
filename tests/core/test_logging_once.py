"""Each log line is printed once (issue 18 part 7): no logger both prints a line itself and passes
it on to the root's handler."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from django.conf import settings
from django.utils.log import configure_logging


@pytest.fixture
def printed(monkeypatch):
    """The project's logging set up as at start-up (Django's defaults, then settings.LOGGING, in
    DEBUG), writing to a captured stderr; the test run's own logging is restored after."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(settings, "DEBUG", True)
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    yield stream
    monkeypatch.undo()
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@pytest.mark.parametrize(
    "name",
    [
        "django.request",
        "django.security.csrf",
        "huey",
        "huey.consumer",
        "recoverypath.notifications",
    ],
)
def test_a_line_is_printed_once(printed, name):
    logging.getLogger(name).warning("line from %s", name)
    assert printed.getvalue().count(f"line from {name}") == 1


def test_the_worker_adds_no_second_handler_to_huey(printed):
    """huey's run_huey adds a StreamHandler to "huey" only when it has none (it has one here)."""
    assert logging.getLogger("huey").handlers
    assert all(
        isinstance(handler, logging.NullHandler) for handler in logging.getLogger("huey").handlers
    )


def test_djangos_development_server_log_is_printed_once(printed):
    logging.getLogger("django.server").info("GET / 200")
    assert printed.getvalue().count("GET / 200") == 1
