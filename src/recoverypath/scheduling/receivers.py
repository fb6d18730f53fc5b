"""Listening to care: a finished episode with no successor ends the client's group places."""

from __future__ import annotations

from django.dispatch import receiver

from recoverypath.care.models import EpisodeOfCare
from recoverypath.care.signals import episode_finished

from . import services


@receiver(episode_finished, sender=EpisodeOfCare, dispatch_uid="scheduling.end_group_places")
def _on_episode_finished(sender, *, episode: EpisodeOfCare, **kwargs) -> None:
    services.enrollments_end_for_episode(episode=episode)
