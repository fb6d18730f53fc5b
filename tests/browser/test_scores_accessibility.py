"""axe-core over the scores pages (a client's trend charts and the caseload's latest bands): no
serious or critical violation. axe.min.js comes from the axe-playwright-python package (a test
dependency in pyproject.toml), injected with Playwright's add_script_tag."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import axe_playwright_python
import pytest
from django.utils import timezone

from recoverypath.assessments.services import assessment_submit

from .conftest import DESKTOP, log_in

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
BLOCKING = {"serious", "critical"}


def _history(cast) -> None:
    now = timezone.now()
    for days_ago, answers in ((42, [3, 3, 2, 2, 2, 2, 1, 1, 0]), (14, [2, 1, 1, 1, 1, 1, 1, 0, 0])):
        assessment_submit(
            actor=cast.clinician,
            client=cast.client,
            instrument="PHQ-9",
            answers=answers,
            administered_at=now - timedelta(days=days_ago),
        )
    for days_ago, drug_days in ((40, 6), (10, 1)):
        assessment_submit(
            actor=cast.clinician,
            client=cast.client,
            instrument="BAM",
            answers=[2, 5, 3, 2, 1, drug_days, {"7A": drug_days}, 2, 3, 8, 2, 3, 12, 4, 1, 20, 3],
            administered_at=now - timedelta(days=days_ago),
        )


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context bypasses the app's CSP (script-src 'self') so the test may inject
    axe.min.js; the app's own pages are unchanged."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_serious_violation_on_a_clients_scores_and_trend_charts(axe_page, cast):
    _history(cast)
    page = axe_page
    log_in(page, cast.clinician.email, cast.password)
    page.goto(f"/clients/{cast.client.id}/assessments/")
    page.get_by_test_id("trend-BAM").wait_for()
    assert page.get_by_test_id("trend-table-PHQ-9").get_by_role("link").count() == 2
    assert _serious_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_serious_violation_on_the_caseload_scores_page(axe_page, cast):
    _history(cast)
    page = axe_page
    log_in(page, cast.clinician.email, cast.password)
    page.goto("/assessments/scores/")
    page.get_by_role("heading", level=1).wait_for()
    assert _serious_violations(page) == []
