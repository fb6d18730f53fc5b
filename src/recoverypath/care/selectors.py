"""Reads of episodes of care."""

from __future__ import annotations

from datetime import date

from django.db.models import Min, QuerySet
from django.http import Http404

from recoverypath.accounts.models import User
from recoverypath.clients.models import Client
from recoverypath.clients.selectors import client_queryset_for_user
from recoverypath.core.audit import Action, audit_record

from .models import EpisodeOfCare


def episode_active(*, client: Client, program=None) -> EpisodeOfCare | None:
    """The client's active episode (in `program` if given; else the most recent active one)."""
    qs = EpisodeOfCare.objects.select_related("program").filter(
        client=client, status=EpisodeOfCare.Status.ACTIVE
    )
    if program is not None:
        qs = qs.filter(program=program)
    return qs.order_by("-start_date", "-id").first()


def episode_timeline(*, client: Client) -> list[EpisodeOfCare]:
    """Every episode of the client, oldest first, each with its program and status history."""
    return list(
        EpisodeOfCare.objects.filter(client=client)
        .select_related("program", "previous_episode")
        .prefetch_related("history")
        .order_by("start_date", "id")
    )


def episode_queryset_for_user(*, user: User) -> QuerySet[EpisodeOfCare]:
    return EpisodeOfCare.objects.filter(
        client__in=client_queryset_for_user(user=user)
    ).select_related("client", "client__organization", "program")


def episode_get(*, user: User, episode_id: int) -> EpisodeOfCare:
    """The episode if `user` may see its client (an audited read), else Http404."""
    episode = episode_queryset_for_user(user=user).filter(pk=episode_id).first()
    if episode is None:
        raise Http404("No such episode.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=episode,
        client_id=episode.client_id,
        organization_id=episode.client.organization_id,
    )
    return episode


def episode_active_exists(*, client_id: int, program_id: int) -> bool:
    """Whether the client has an active episode in the program (scheduling ends group places
    when the last one finishes)."""
    return EpisodeOfCare.objects.filter(
        client_id=client_id, program_id=program_id, status=EpisodeOfCare.Status.ACTIVE
    ).exists()


def clients_with_active_episode(*, program_id: int) -> QuerySet[Client]:
    """Clients with an active episode in the program (who may be enrolled in its groups)."""
    return Client.objects.filter(
        episodes__program_id=program_id, episodes__status=EpisodeOfCare.Status.ACTIVE
    ).distinct()


def admission_date(*, client: Client, program_id: int) -> date | None:
    """The day the client was (or is planned to be) first admitted to the program: the
    earliest start of an episode there that was not cancelled; None when there is none
    (scheduling does not hold attendance weeks before it against the program's hours)."""
    return (
        EpisodeOfCare.objects.filter(client=client, program_id=program_id)
        .exclude(status=EpisodeOfCare.Status.CANCELLED)
        .aggregate(first=Min("start_date"))["first"]
    )
