"""Signals the care app sends, always after the transaction commits.

episode_started(sender=EpisodeOfCare, episode=EpisodeOfCare)
episode_finished(sender=EpisodeOfCare, episode=EpisodeOfCare)
"""

from __future__ import annotations

from django.dispatch import Signal

episode_started = Signal()
episode_finished = Signal()
