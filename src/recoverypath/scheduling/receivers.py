"""Listening to care: a finished episode with no successor ends the client's group places."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.dispatch import receiver

from recoverypath.care.signals import episode_finished

from . import services

if TYPE_CHECKING:
    from recoverypath.care.models import EpisodeOfCare


# care sends `episode_finished` from EpisodeOfCare only, so no sender filter is needed here.
@receiver(episode_finished, dispatch_uid="scheduling.end_group_places")
def _on_episode_finished(sender, *, episode: EpisodeOfCare, **kwargs) -> None:
    services.enrollments_end_for_episode(episode=episode)
