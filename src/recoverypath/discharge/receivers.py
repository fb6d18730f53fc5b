"""Care's episode signals open and close discharge plans, aftercare's new plan completes the
checklist's "aftercare plan drafted", and the plan's owner follows the
client's primary clinician (clients' care_team_changed); the work is in services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.dispatch import receiver

from recoverypath.aftercare.signals import aftercare_plan_started
from recoverypath.care.signals import episode_finished, episode_started
from recoverypath.clients.signals import care_team_changed

from . import services

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


@receiver(episode_started, dispatch_uid="discharge.open_plan")
def _open_plan(sender, episode, **kwargs):
    services.discharge_plan_open(episode=episode)


@receiver(episode_finished, dispatch_uid="discharge.close_plan")
def _close_plan(sender, episode, **kwargs):
    services.discharge_plan_close(episode=episode)


@receiver(care_team_changed, dispatch_uid="discharge.owner_follows_clinician")
def _owner_follows_clinician(
    sender, client: Client, actor: User, previous_clinician_id: int | None, **kwargs
):
    services.discharge_plan_owner_follow(
        actor=actor, client=client, previous_clinician_id=previous_clinician_id
    )


@receiver(aftercare_plan_started, dispatch_uid="discharge.aftercare_plan_drafted")
def _aftercare_plan_drafted(sender, plan, actor: User | None, **kwargs):
    services.checklist_aftercare_plan_drafted(actor=actor, aftercare_plan=plan)
