"""Exactly once for API POSTs: an `Idempotency-Key` header makes a retry return the first answer.

Contract (per authenticated user and key, for 24 hours):
1. The first request inserts a `pending` IdempotencyRecord (committed on its own); the unique
   constraint on (user, key) means a concurrent duplicate cannot insert a second one.
2. The request then runs inside one transaction that first locks its record, and stores the
   response (status, content type, body) on the record in that same transaction: either the
   writes and the stored answer commit together, or neither does.
3. A retry with the same key and the same request gets the stored answer (with the header
   `Idempotent-Replayed: true`) and runs nothing; the same key with another method, path or body
   is refused with 422 (`idempotency_key_reused`).
4. A retry while the first is still running gets 409 (`idempotency_key_in_use`, Retry-After). A
   `pending` record whose request died (its transaction rolled back with it, so nothing was written)
   is taken over by the retry with a conditional UPDATE of its lock token, and runs once.
5. A server error (5xx) rolls the request's writes back and frees the key, so a retry runs again.
6. Records are purged 24 hours after they were created (`idempotency_purge`, hourly).

Only authenticated requests take part (the key is scoped to the caller, so another user reusing a
key never sees the first user's answer); an anonymous POST ignores the header.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.views import APIView

from .errors import ConflictError, DomainError, error_body
from .models import IdempotencyRecord

if TYPE_CHECKING:
    # The AUTH_USER_MODEL as django-stubs resolves it: core names no app that comes after it.
    from django.contrib.auth.models import _User as User

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(hours=24)
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, no spaces (as in the IETF draft)


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


class IdempotencyKeyInUse(ConflictError):
    code = "idempotency_key_in_use"


@dataclass
class Claim:
    """What `idempotency_begin` decided: run the request holding `record`, or replay it."""

    outcome: Literal["run", "replay"]
    record: IdempotencyRecord


def idempotency_key_valid(key: str) -> bool:
    return bool(_KEY.fullmatch(key))


def idempotency_fingerprint(*, method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode()):
        digest.update(part)
        digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


def idempotency_begin(*, user: User, key: str, fingerprint: str, method: str, path: str) -> Claim:
    """Claim `key` for `user`'s request, or find the answer a previous request left.

    Returns Claim("run", record) when this request must run (its record is pending and holds
    this request's lock token) or Claim("replay", record) for a stored answer. Raises
    IdempotencyKeyReused (422) when the key came with another request, IdempotencyKeyInUse (409)
    while the first request with the key is still running.
    """
    token = secrets.token_hex(16)
    for _ in range(4):
        now = timezone.now()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    fingerprint=fingerprint,
                    lock_token=token,
                    method=method,
                    path=path[:300],
                    created_at=now,
                )
            return Claim("run", record)
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is None:  # freed by a server error or purged in the meantime
            continue
        if existing.created_at <= now - TTL:  # expired but not purged yet: the key is free
            IdempotencyRecord.objects.filter(
                id=existing.id, created_at=existing.created_at
            ).delete()
            continue
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request."
            )
        if existing.status == IdempotencyRecord.Status.COMPLETED:
            return Claim("replay", existing)
        taken = _take_over(existing, token)
        if taken is True:
            existing.lock_token = token
            return Claim("run", existing)
        if taken is False:
            break
        # None: the record changed under us (completed or freed); look again.
    raise IdempotencyKeyInUse(
        "A request with this Idempotency-Key is still being processed. Retry in a moment."
    )


def _take_over(record: IdempotencyRecord, token: str) -> bool | None:
    """Take a pending record whose request is not running any more.

    A running request holds a row lock on its record (PostgreSQL: NOWAIT fails at once -> False)
    or the database write lock (SQLite: we wait for it to commit, then find the record completed
    -> None). Returns True when the record is now ours.
    """
    pending = IdempotencyRecord.objects.filter(
        id=record.id, status=IdempotencyRecord.Status.PENDING, lock_token=record.lock_token
    )
    try:
        with transaction.atomic():
            nowait = connection.features.has_select_for_update_nowait
            if nowait and not pending.select_for_update(nowait=True).values_list("id", flat=True):
                return None
            return pending.update(lock_token=token) == 1 or None
    except DatabaseError:  # the row is locked: its request is running right now
        return False


def idempotency_hold(*, record: IdempotencyRecord) -> bool:
    """Inside the request's transaction: lock the record; False if another request took it."""
    return bool(
        list(
            IdempotencyRecord.objects.select_for_update()
            .filter(
                id=record.id,
                status=IdempotencyRecord.Status.PENDING,
                lock_token=record.lock_token,
            )
            .values_list("id", flat=True)
        )
    )


def idempotency_complete(*, record: IdempotencyRecord, response: HttpResponse) -> bool:
    """Store the answer on the record (in the request's transaction). False if not storable."""
    try:
        body = response.content.decode("utf-8")
    except (UnicodeDecodeError, AttributeError):
        return False
    return (
        IdempotencyRecord.objects.filter(
            id=record.id, status=IdempotencyRecord.Status.PENDING, lock_token=record.lock_token
        ).update(
            status=IdempotencyRecord.Status.COMPLETED,
            response_status=response.status_code,
            response_content_type=response.get("Content-Type", "")[:100],
            response_body=body,
            completed_at=timezone.now(),
        )
        == 1
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Free the key after a server error so that a retry runs again."""
    IdempotencyRecord.objects.filter(
        id=record.id, status=IdempotencyRecord.Status.PENDING, lock_token=record.lock_token
    ).delete()


def idempotency_purge(*, now=None) -> int:
    """Delete records older than 24 hours. Returns how many."""
    cutoff = (now or timezone.now()) - TTL
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def replay_response(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        record.response_body,
        status=record.response_status,
        content_type=record.response_content_type or "application/json",
    )
    response[REPLAYED_HEADER] = "true"
    return response


# --- The middleware ---------------------------------------------------------------------------


class _ServerError(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def _error(exc: DomainError) -> JsonResponse:
    response = JsonResponse(
        error_body(exc.status_code, exc.code, exc.message, exc.fields), status=exc.status_code
    )
    if isinstance(exc, IdempotencyKeyInUse):
        response["Retry-After"] = "1"
    return response


def _api_user(request: HttpRequest, view_func):
    """The caller as the DRF view will authenticate them (token or session), or None."""
    view_class = getattr(view_func, "cls", None)
    if view_class is None or not issubclass(view_class, APIView):
        return None
    view = view_class(**getattr(view_func, "initkwargs", {}))
    # The session's CSRF check reads the form data, so the view's parsers are needed (without
    # them a JSON body was an "unsupported media type" and a signed-in browser got 401). The body
    # is read first so that it can still be read afterwards (for the fingerprint and the view).
    with contextlib.suppress(RequestDataTooBig):  # answered by the caller, which reads it too
        request.body  # noqa: B018
    session_user = getattr(request, "user", None)
    drf_request = Request(
        request, parsers=view.get_parsers(), authenticators=view.get_authenticators()
    )
    try:
        user = drf_request.user
    except APIException:  # bad token, CSRF failure: the view itself answers 401/403
        # DRF has set AnonymousUser on the request: give the view back the session's user, so
        # that it authenticates again and answers with the real reason.
        if session_user is not None:
            request.user = session_user
        return None
    return user if getattr(user, "is_authenticated", False) else None


class IdempotencyMiddleware:
    """Applies the contract above to every POST under /api/ that carries an Idempotency-Key.

    Sits last in MIDDLEWARE so that it wraps exactly the view: it runs the view itself, inside
    the transaction that stores the answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return None
        if not idempotency_key_valid(key):
            return _error(
                DomainError(
                    "Idempotency-Key must be 1 to 255 printable characters without spaces.",
                    fields={HEADER: ["Use a new random value, e.g. a UUID, for each request."]},
                )
            )
        user = _api_user(request, view_func)
        if user is None:
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            return _error(DomainError("The request body is too large.", code="too_large"))
        fingerprint = idempotency_fingerprint(
            method=request.method,
            path=request.path,
            query=request.META.get("QUERY_STRING", ""),
            body=body,
        )
        try:
            claim = idempotency_begin(
                user=user,
                key=key,
                fingerprint=fingerprint,
                method=request.method,
                path=request.path,
            )
        except DomainError as exc:
            return _error(exc)
        if claim.outcome == "replay":
            return replay_response(claim.record)
        return self._run(request, claim.record, view_func, view_args, view_kwargs)

    def _run(self, request, record, view_func, view_args, view_kwargs):
        try:
            with transaction.atomic():
                if not idempotency_hold(record=record):
                    return _error(
                        IdempotencyKeyInUse(
                            "A retry with this Idempotency-Key took this request over. "
                            "Retry in a moment for its answer."
                        )
                    )
                response = view_func(request, *view_args, **view_kwargs)
                if callable(getattr(response, "render", None)):
                    response = response.render()
                if response.status_code >= 500:
                    raise _ServerError(response)  # roll the request's writes back
                stored = idempotency_complete(record=record, response=response)
        except _ServerError as failed:
            idempotency_release(record=record)
            return failed.response
        except BaseException:
            # If the database is gone, the record stays pending and a retry takes it over.
            with contextlib.suppress(DatabaseError):
                idempotency_release(record=record)
            raise
        if not stored:  # an answer we cannot keep: the writes stand, a retry runs again
            idempotency_release(record=record)
        return response
