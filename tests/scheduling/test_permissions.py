"""scheduling/permissions.py over the whole cast: one rule per function (#13)."""

from __future__ import annotations

import pytest

from recoverypath.scheduling import permissions as rules
from recoverypath.scheduling.models import Session

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
STAFF = {"admin", "clinician", "coordinator", "front_desk"}


def _admitted(rule, cast, *args):
    return {name for name in EVERYONE if rule(getattr(cast, name), *args)}


@pytest.mark.parametrize(
    "rule, allowed",
    [
        (rules.can_view_schedule, STAFF),
        (rules.can_book_session, STAFF),
        (rules.can_manage_groups, {"clinician", "admin"}),
        (rules.can_manage_holidays, {"admin"}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_each_program_rule_admits_exactly_its_people(cast, rule, allowed):
    assert _admitted(rule, cast, cast.program.id) == allowed


def test_attendance_is_taken_by_the_facilitator_or_a_clinician(cast):
    session = Session(program=cast.program, facilitator=cast.coordinator)
    assert _admitted(rules.can_take_attendance, cast, session) == {
        "coordinator",
        "clinician",
        "admin",
    }


def test_notes_are_written_by_clinicians_and_admins(cast):
    assert _admitted(rules.can_write_notes, cast, cast.client) == {"clinician", "admin"}


def test_the_new_group_page_is_for_clinicians_and_admins_of_some_program(cast):
    # Each in their own program: the outsider is an admin in another organization.
    assert _admitted(rules.can_create_groups, cast) == {
        "clinician",
        "admin",
        "other_program_clinician",
        "outsider",
    }


def test_a_sessions_note_links_are_for_clinicians_and_admins_of_its_program(cast):
    session = Session(program=cast.program, facilitator=cast.coordinator)
    assert _admitted(rules.can_write_session_notes, cast, session) == {"clinician", "admin"}
