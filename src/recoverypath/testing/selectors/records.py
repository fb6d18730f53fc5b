"""Testing records within a user's reach: the scoped querysets every list and id field starts
from, one record by id (an audited read), and the to-do list's awaited confirmations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from recoverypath.clients.selectors import client_for_user_account, client_get
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.params import Reach

from ..models import AnalyteResult, Collection, TestingPolicy, TestPanel, TestSelection
from ..permissions import can_read_testing
from .clients import results_prefetch

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def _scope(user: User) -> Q:
    """Rows of clients in programs where `user` coordinates, or of the user's own record."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    q = Q(client__program_id__in=program_ids)
    own = client_for_user_account(user=user) if not program_ids else None
    if own is not None:
        q |= Q(client_id=own.id)
    return q


def policy_queryset_for_user(*, user: User) -> QuerySet[TestingPolicy]:
    return (
        TestingPolicy.objects.filter(_scope(user))
        .select_related("client", "panel", "program")
        .order_by("-start_date", "-id")
    )


def selection_queryset_for_user(*, user: User) -> QuerySet[TestSelection]:
    return (
        TestSelection.objects.filter(_scope(user))
        .select_related("client", "program")
        .order_by("-date", "-id")
    )


def collection_queryset_for_user(*, user: User) -> QuerySet[Collection]:
    return (
        Collection.objects.filter(_scope(user))
        .select_related("client", "panel", "selection")
        .prefetch_related(results_prefetch())
        .order_by("-collected_at", "-id")
    )


def _get(queryset, *, user: User, pk: int, what: str):
    """One row by id for `user`: 404 when its client is not visible, 403 when visible but not
    readable (front desk); an audited read."""
    row = queryset.filter(pk=pk).select_related("client").first()
    if row is None:
        base = queryset.model.objects.filter(pk=pk).select_related("client").first()
        if base is not None and permissions.can_view_client(user, base.client):
            raise PermissionDenied(f"You cannot read this client's {what}.")
        raise Http404(f"No such {what}.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=row,
        client_id=row.client_id,
        organization_id=row.client.organization_id,
    )
    return row


def policy_get(*, user: User, policy_id: int) -> TestingPolicy:
    return _get(policy_queryset_for_user(user=user), user=user, pk=policy_id, what="policy")


def selection_get(*, user: User, selection_id: int) -> TestSelection:
    return _get(selection_queryset_for_user(user=user), user=user, pk=selection_id, what="test")


def collection_get(*, user: User, collection_id: int) -> Collection:
    return _get(
        collection_queryset_for_user(user=user), user=user, pk=collection_id, what="collection"
    )


def testing_client_get(*, user: User, client_id: int) -> Client:
    """The client whose testing record `user` opens (an audited read): Http404 when the client is
    out of their reach, PermissionDenied when they see the client but not their tests."""
    client = client_get(user=user, client_id=client_id)
    if not can_read_testing(user, client):
        raise PermissionDenied("You cannot read this client's tests.")
    return client


def result_get(*, user: User, result_id: int) -> AnalyteResult:
    result = (
        AnalyteResult.objects.filter(pk=result_id)
        .select_related("collection", "collection__client", "collection__panel")
        .first()
    )
    if result is None or not permissions.can_view_client(user, result.collection.client):
        raise Http404("No such result.")
    if not can_read_testing(user, result.collection.client):
        raise PermissionDenied("You cannot read this client's results.")
    return result


def panel_queryset_for_user(*, user: User) -> QuerySet[TestPanel]:
    """Active panels a user may name: the standard ones and those of programs they coordinate."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    return TestPanel.objects.filter(
        Q(program=None) | Q(program_id__in=program_ids), active=True
    ).order_by("program_id", "name")


def confirmations_awaited(*, user: User) -> QuerySet[AnalyteResult]:
    """Presumptive positives sent to the lab and not confirmed yet, in programs `user`
    coordinates (the to-do list)."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    return (
        AnalyteResult.objects.filter(
            collection__client__program_id__in=program_ids,
            current=True,
            stage=AnalyteResult.Stage.PRESUMPTIVE,
            sent_for_confirmation_at__isnull=False,
        )
        .select_related("collection__client")
        .order_by("sent_for_confirmation_at", "id")
    )


# What a panel or test (selection) id in a request body may name: the caller's panels and the
# tests of clients within their reach.
PANELS = Reach(TestPanel, lambda user: panel_queryset_for_user(user=user))
SELECTIONS = Reach(TestSelection, lambda user: selection_queryset_for_user(user=user))
