from __future__ import annotations

from tests.security.conformance_stats import STATS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if STATS.runs:
        terminalreporter.write_line(STATS.summary())
        if config.getoption("verbose") > 0:
            for run in STATS.never_succeeded():
                terminalreporter.write_line(f"  no 2xx: {run}")
