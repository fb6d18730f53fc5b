"""API tokens: issued with a name, stored as a digest, sliding expiry, revocable."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Aggregate, CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import DomainError
from recoverypath.core.hooks.api_auth import user_join_paths
from recoverypath.core.permissions import remember_roles

from ..models import ApiToken, Membership, User, secret_digest


class TokenNotFound(DomainError):
    status_code = 404
    code = "not_found"


# Refresh last_used_at (and slide the expiry) at most this often: one UPDATE a minute per token,
# not one per request.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_DAYS)


def api_token_issue(*, user: User, name: str = "") -> IssuedToken:
    """Create a token for `user` (already authenticated by the caller) and audit the token login.

    Returns the row and the secret; only the secret's digest is stored.
    """
    now = timezone.now()
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=(name or "API token").strip()[:100] or "API token",
            key_digest=secret_digest(secret),
            prefix=secret[:8],
            created_at=now,
            last_used_at=now,
            expires_at=now + _lifetime(),
        )
        audit_record(
            actor=user,
            action=Action.LOGIN,
            obj=user,
            changes={"via": "api_token", "token_id": token.id, "token_name": token.name},
        )
    return IssuedToken(token=token, secret=secret)


class _Joined(Aggregate):
    """`program_id:role` pairs joined by commas (GROUP_CONCAT, or STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ',')",
            **extra_context,
        )


def _roles_of_token_user() -> Subquery:
    pairs = (
        Membership.objects.filter(user_id=OuterRef("user_id"))
        .order_by()
        .values("user_id")
        .annotate(pairs=_Joined(Concat(Cast("program_id", CharField()), Value(":"), "role")))
        .values("pairs")
    )
    return Subquery(pairs, output_field=CharField())


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token whose secret this is, with its user loaded, or None.

    One SELECT loads the token, its user, the user's program roles (remembered on the user for
    core.permissions) and the relations later apps registered (core.hooks.api_auth: a client's
    own record). A use slides the expiry to API_TOKEN_DAYS from now (at most one write a minute
    per token).
    """
    if not secret or len(secret) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", *(f"user__{p}" for p in user_join_paths()))
        .annotate(user_roles=_roles_of_token_user())
        .filter(key_digest=secret_digest(secret), revoked_at=None, expires_at__gt=now)
        .first()
    )
    if token is None:
        return None
    roles: dict[int, str] = {}
    for pair in (token.user_roles or "").split(","):
        if pair:
            program_id, role = pair.split(":", 1)
            roles[int(program_id)] = role
    remember_roles(token.user, roles)
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
        token.expires_at = now + _lifetime()
        ApiToken.objects.filter(id=token.id, revoked_at=None).update(
            last_used_at=now, expires_at=token.expires_at
        )
    return token


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens. Another person's token, or none, is "not found"."""
    token = ApiToken.objects.filter(id=token_id, user=actor).first()
    if token is None:
        raise TokenNotFound("No such token.")
    if token.revoked_at is None:
        now = timezone.now()
        with transaction.atomic():
            ApiToken.objects.filter(id=token.id, revoked_at=None).update(
                revoked_at=now, revoked_reason="revoked"
            )
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=token,
                changes={"revoked": [None, "revoked"], "token_name": token.name},
            )
        token.refresh_from_db()
    return token


def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every live token of `user` (password changed or reset, deactivated, signed out
    everywhere). Returns how many were live."""
    count = ApiToken.objects.filter(user=user, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_reason=reason[:40]
    )
    if count:
        audit_record(
            actor=None,
            action=Action.UPDATE,
            obj=user,
            changes={"api_tokens_revoked": count, "reason": reason},
        )
    return count
