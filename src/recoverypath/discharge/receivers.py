"""Care's episode signals open and close discharge plans; the work is in services."""

from __future__ import annotations

from django.dispatch import receiver

from recoverypath.care.signals import episode_finished, episode_started

from . import services


@receiver(episode_started, dispatch_uid="discharge.open_plan")
def _open_plan(sender, episode, **kwargs):
    services.discharge_plan_open(episode=episode)


@receiver(episode_finished, dispatch_uid="discharge.close_plan")
def _close_plan(sender, episode, **kwargs):
    services.discharge_plan_close(episode=episode)
