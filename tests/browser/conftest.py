"""Playwright against Django's live server, in Debian's Chromium. A missing browser is a failure,
never a skip: CI installs chromium and must run every browser test."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skipped browser test is a failure: every one of them must run."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") and "tests/browser/" in str(item.fspath):
        report.outcome = "failed"
        report.longrepr = f"Browser test skipped under CI: {report.longrepr}"


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=PHONE) -> a Page whose relative URLs go to the live server."""
    contexts = []

    def make(viewport: dict | None = None) -> Page:
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
