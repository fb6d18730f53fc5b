"""Listening to care's signals: when an episode starts, remind the client of what is due."""

from __future__ import annotations

from django.dispatch import receiver

from recoverypath.care.signals import episode_started


@receiver(episode_started, dispatch_uid="assessments.intake_reminders")
def remind_at_episode_start(sender, episode, **kwargs) -> None:
    from .services import intake_reminders_schedule

    intake_reminders_schedule(client=episode.client)
