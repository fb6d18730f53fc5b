"""monitoring/permissions.py over the whole cast: one rule per function (#13)."""

from __future__ import annotations

import pytest

from recoverypath.monitoring import permissions as rules
from recoverypath.monitoring.models import CheckIn, Lapse

pytestmark = pytest.mark.django_db

# Who of the cast passes each client-scoped rule for cast.client.
CLIENT_OR_COORDINATOR = {"client_user", "coordinator", "clinician", "admin"}
CLIENT_ONLY = {"client_user"}
COORDINATOR_UP = {"coordinator", "clinician", "admin"}
EVERYONE = [
    "client_user",
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
]


@pytest.mark.parametrize(
    "rule, allowed",
    [
        (rules.can_read_monitoring, CLIENT_OR_COORDINATOR),
        (rules.can_submit_check_in, CLIENT_ONLY),
        (rules.can_record_lapse, CLIENT_OR_COORDINATOR),
        (rules.can_log_meeting, CLIENT_OR_COORDINATOR),
        (rules.can_view_staff_check_ins, COORDINATOR_UP),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_each_client_rule_admits_exactly_its_people(cast, rule, allowed):
    admitted = {name for name in EVERYONE if rule(getattr(cast, name), cast.client)}
    assert admitted == allowed


def test_only_the_client_answers_the_restart_question(cast):
    lapse = Lapse(client=cast.client, date=cast.client.created_at.date(), substance="Alcohol")
    admitted = {name for name in EVERYONE if rules.can_answer_restart(getattr(cast, name), lapse)}
    assert admitted == CLIENT_ONLY


def test_a_reach_out_is_asked_only_by_the_client_on_their_own_check_in(cast):
    own = CheckIn(client=cast.client)
    someone_elses = CheckIn(client=cast.outsider_client)
    assert rules.can_request_reach_out(cast.client_user, cast.client, own)
    assert not rules.can_request_reach_out(cast.client_user, cast.client, someone_elses)
    assert not rules.can_request_reach_out(cast.coordinator, cast.client, own)
