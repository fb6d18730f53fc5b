"""Signed-in browser sessions: recorded on log in, listed, ended one by one or everywhere."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import DomainError
from recoverypath.core.net import client_address

from ..models import SignedInSession, User
from .tokens import api_tokens_revoke_all


class SessionNotFound(DomainError):
    status_code = 404
    code = "not_found"


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def sign_in_record(*, request, user: User) -> SignedInSession | None:
    """Remember the session `request` now holds for `user` (called on log in)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if session.session_key is None:
        session.save()
    row, _ = SignedInSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "last_seen_at": timezone.now(),
            "ip_address": client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    return row


def signed_in_session_seen(*, session_key: str | None) -> None:
    """The session was used just now (called at most every few minutes per session)."""
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


def signed_in_session_forget(*, session_key: str | None) -> None:
    """The session ended (log out, idle): drop its row."""
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()


def signed_in_session_revoke(*, actor: User, session_id: int) -> None:
    """End one of the actor's own sessions (another person's, or none, is "not found")."""
    row = SignedInSession.objects.filter(id=session_id, user=actor).first()
    if row is None:
        raise SessionNotFound("No such session.")
    with transaction.atomic():
        _store(row.session_key).delete()
        row.delete()
        audit_record(
            actor=actor, action=Action.LOGOUT, obj=actor, changes={"ended_session": session_id}
        )


def sessions_end_all(*, user: User) -> int:
    """End every recorded browser session of `user`; returns how many."""
    rows = list(SignedInSession.objects.filter(user=user))
    for row in rows:
        _store(row.session_key).delete()
    SignedInSession.objects.filter(id__in=[row.id for row in rows]).delete()
    return len(rows)


def sign_out_everywhere(*, actor: User) -> int:
    """End every browser session of `actor` (this one too) and revoke every API token.
    Returns the number of sessions ended."""
    with transaction.atomic():
        ended = sessions_end_all(user=actor)
        api_tokens_revoke_all(user=actor, reason="signed_out_everywhere")
        audit_record(
            actor=actor, action=Action.LOGOUT, obj=actor, changes={"signed_out_everywhere": ended}
        )
    return ended
