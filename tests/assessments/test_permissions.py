"""assessments/permissions.py over the whole cast: one rule per function (#13)."""

from __future__ import annotations

import pytest

from recoverypath.assessments import permissions as rules

pytestmark = pytest.mark.django_db

EVERYONE = [
    "client_user",
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
]


def _admitted(rule, cast, *args):
    return {name for name in EVERYONE if rule(getattr(cast, name), *args)}


def test_only_the_client_self_reports(cast):
    assert _admitted(rules.can_self_report_assessment, cast, cast.client) == {"client_user"}


def test_clinicians_and_admins_of_the_program_enter_for_a_client(cast):
    assert _admitted(rules.can_enter_assessment, cast, cast.client) == {"clinician", "admin"}


def test_only_program_admins_change_schedules(cast):
    assert _admitted(rules.can_change_assessment_schedules, cast, cast.program.id) == {"admin"}
