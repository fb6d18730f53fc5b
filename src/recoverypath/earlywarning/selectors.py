"""Reads of early-warning data for other apps. The coordinator dashboard's reads are in
dashboard.py, the rule settings' in config.py."""

from __future__ import annotations

from .models import Rule


def rule_labels() -> dict[str, str]:
    """{rule: label} for every early-warning rule (outcomes names rules in its reports)."""
    return dict(Rule.choices)
