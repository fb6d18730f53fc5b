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
from .services import award_from_signal


def _later(client_id: int, behaviour: str, source_id: int) -> None:
    def run() -> None:
        client = client_for_system(client_id=client_id)
        if client is not None:
            award_from_signal(client=client, behaviour=behaviour, source_id=source_id)

    transaction.on_commit(run)


@receiver(check_in_submitted, dispatch_uid="incentives.check_in")
def on_check_in(sender, check_in, created: bool = True, **kwargs) -> None:
    if created:
        _later(check_in.client_id, Behaviour.DAILY_CHECK_IN, check_in.id)


@receiver(attendance_recorded, dispatch_uid="incentives.attendance")
def on_attendance(sender, session, client_ids, **kwargs) -> None:
    for client_id in client_ids:
        _later(client_id, Behaviour.ATTENDED_SESSION, session.id)


@receiver(coordinator_check_in_recorded, dispatch_uid="incentives.coordinator_check_in")
def on_coordinator_check_in(sender, check_in, **kwargs) -> None:
    _later(check_in.client_id, Behaviour.COORDINATOR_CHECK_IN, check_in.id)
