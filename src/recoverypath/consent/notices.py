"""The Part 2 notice that travels with every disclosure, kept in one versioned template so counsel
can replace the text without a code change (bump NOTICE_VERSION and add the new template)."""

from __future__ import annotations

from django.template.loader import render_to_string

NOTICE_VERSION = "v1"


def part2_notice(version: str = NOTICE_VERSION) -> str:
    return render_to_string(f"consent/notices/part2_{version}.txt").strip()
