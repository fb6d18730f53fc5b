"""Verified behaviours arriving from the apps that record them, rewarded after their
transaction commits (a reward never rolls back a check-in, and the reward's own transaction
locks only the client's ledger)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from recoverypath.aftercare.signals import coordinator_check_in_recorded
from recoverypath.clients.selectors import client_for_system
from recoverypath.monitoring.signals import check_in_submitted
from recoverypath.scheduling.signals import attendance_recorded

from .models import Behaviour
from .selectors import reward_schedule_active_exists
from .services import award_from_signal


def _later(client_id: int, behaviour: str, source_id: int, client=None) -> None:
    def run() -> None:
        found = client if client is not None else client_for_system(client_id=client_id)
        if found is not None:
            award_from_signal(client=found, behaviour=behaviour, source_id=source_id)

    transaction.on_commit(run)


REWARDING = "incentives_program_rewards"


def check_in_inputs(client) -> dict:
    """For core.hooks.checkins: whether the client's program has an active reward schedule (read
    with the submission's check-ins: a check-in in a program that rewards nothing costs none)."""
    return {REWARDING: reward_schedule_active_exists(program_id=client.program_id)}


@receiver(check_in_submitted, dispatch_uid="incentives.check_in")
def on_check_in(sender, check_in, created: bool = True, inputs=None, **kwargs) -> None:
    if not created or (inputs or {}).get(REWARDING) is False:
        return
    # The submission's client (with its program) when the sender attached it.
    client = check_in.client if "client" in check_in._state.fields_cache else None
    _later(check_in.client_id, Behaviour.DAILY_CHECK_IN, check_in.id, client)


@receiver(attendance_recorded, dispatch_uid="incentives.attendance")
def on_attendance(sender, session, client_ids, **kwargs) -> None:
    for client_id in client_ids:
        _later(client_id, Behaviour.ATTENDED_SESSION, session.id)


@receiver(coordinator_check_in_recorded, dispatch_uid="incentives.coordinator_check_in")
def on_coordinator_check_in(sender, check_in, **kwargs) -> None:
    _later(check_in.client_id, Behaviour.COORDINATOR_CHECK_IN, check_in.id)
