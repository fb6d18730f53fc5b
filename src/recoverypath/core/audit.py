"""Writing the audit trail. Every read or write of a client's record goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models.fields.mixins import FieldCacheMixin

from . import context
from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    # Whoever acted: any signed-in user, an anonymous visitor, or nobody (the system).
    Actor = AbstractBaseUser | AnonymousUser | None

Action = AuditEvent.Action


def _base(actor: Actor) -> dict[str, Any]:
    ctx = context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor": actor if authenticated else None,
        "actor_email": getattr(actor, "email", "") if authenticated else "",
        "ip_address": ctx.ip_address,
        "user_agent": ctx.user_agent[:300],
        "path": ctx.path[:300],
    }


def _describe(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    client_id: int | None = None,
    organization_id: int | None = None,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one audit event. `obj` names what was touched; client and organization scope it."""
    described_type, described_id = _describe(obj)
    return AuditEvent.objects.create(
        **_base(actor),
        action=action,
        object_type=object_type or described_type,
        object_id=object_id or described_id,
        client_id=client_id,
        organization_id=organization_id,
        changes=changes or {},
    )


def audit_record_list(
    *,
    actor: Actor,
    objects: Iterable[models.Model],
    client_id_attr: str = "client_id",
    organization_id: int | None = None,
    action: str = Action.LIST,
) -> None:
    """Append one `list` event per client record shown on a page, in one INSERT.

    The organization is `organization_id` when given, else the object's own `organization_id`
    (a Client) or its client's (a row with a loaded `client`), so admins can browse the events.
    """
    base = _base(actor)
    events = []
    for obj in objects:
        object_type, object_id = _describe(obj)
        events.append(
            AuditEvent(
                **base,
                action=action,
                object_type=object_type,
                object_id=object_id,
                client_id=getattr(obj, client_id_attr, None),
                organization_id=organization_id or _organization_id(obj),
            )
        )
    if events:
        AuditEvent.objects.bulk_create(events)


def audit_record_clients(
    *,
    actor: Actor,
    rows: Iterable[tuple[int | None, str]],
    object_type: str,
    action: str = Action.LIST,
) -> None:
    """Append one event per distinct (client id, object id) shown by something that is not one
    row per client (a to-do list, a group session's roster, a calendar feed), in one INSERT."""
    base = _base(actor)
    events = [
        AuditEvent(
            **base,
            action=action,
            object_type=object_type,
            object_id=object_id,
            client_id=client_id,
        )
        for client_id, object_id in dict.fromkeys(rows)
        if client_id is not None
    ]
    if events:
        AuditEvent.objects.bulk_create(events)


def client_id_of(obj: models.Model) -> int | None:
    """The client a row belongs to: itself for a Client, else its `client_id`, if any."""
    if obj._meta.label_lower == "clients.client":
        return obj.pk
    return getattr(obj, "client_id", None)


def organization_id_of(obj: models.Model) -> int | None:
    return _organization_id(obj)


def _organization_id(obj: models.Model) -> int | None:
    own: int | None = getattr(obj, "organization_id", None)
    if own is not None:
        return own
    # Only through relations already loaded (select_related): never a query per row.
    for name in ("client", "program"):
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation and isinstance(field, FieldCacheMixin) and field.is_cached(obj):
            related = getattr(obj, name)
            if getattr(related, "organization_id", None) is not None:
                return related.organization_id
    return None


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that differ, as {"field": [before, after]}, JSON-safe."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def audit_record_many(*, actor: Actor, action: str, events: list[dict[str, Any]]) -> None:
    """Append several events by one actor in one INSERT; each dict gives object_type, object_id,
    client_id, organization_id and changes (and its own action, if not `action`)."""
    base = _base(actor)
    rows = [
        AuditEvent(
            **base,
            action=event.get("action", action),
            object_type=event.get("object_type", ""),
            object_id=event.get("object_id", ""),
            client_id=event.get("client_id"),
            organization_id=event.get("organization_id"),
            changes=event.get("changes") or {},
        )
        for event in events
    ]
    if rows:
        AuditEvent.objects.bulk_create(rows)


def audit_read_first(
    *,
    actor: Actor,
    queryset: models.QuerySet,
    client_field: str,
    organization_field: str = "organization_id",
) -> models.Model | None:
    """The first row of `queryset` (by primary key) and one `read` event for it, or None.

    On PostgreSQL one statement does both: the event is inserted by a data-modifying WITH in
    front of the SELECT, from the same rows (so a row that is not returned is not audited, and a
    returned row always is, in the same implicit transaction). The row is built with `raw()`, so
    `select_related` is not followed (ids only) and annotations come back as the driver gives
    them. Elsewhere (SQLite, which has no INSERT inside WITH): a SELECT, then the INSERT.
    """
    ordered = queryset.select_related(None).order_by("pk")
    first = ordered[:1]
    model = queryset.model
    if connection.vendor != "postgresql":
        row = first.first()
        if row is not None:
            audit_record(
                actor=actor,
                action=Action.READ,
                obj=row,
                client_id=getattr(row, client_field),
                organization_id=getattr(row, organization_field),
            )
        return row
    event = AuditEvent(**_base(actor), action=Action.READ, object_type=model._meta.label_lower)
    constant = [
        f
        for f in AuditEvent._meta.concrete_fields
        if f.attname not in ("id", "object_id", "client_id", "organization_id")
    ]
    quote = connection.ops.quote_name
    picked = dict.fromkeys([model._meta.pk.attname, client_field, organization_field])
    source = ordered.values(*picked)[:1]
    source_sql, source_params = source.query.sql_with_params()
    columns = [quote(f.column or f.attname) for f in constant]
    columns += [quote("object_id"), quote("client_id"), quote("organization_id")]
    # bandit B608: table and column names come from the models and are quoted; values are params.
    prefix = (
        f"WITH audited AS (INSERT INTO {quote(AuditEvent._meta.db_table)} "  # nosec B608
        f"({', '.join(columns)}) SELECT {', '.join(['%s'] * len(constant))}, "
        f"CAST(r.{quote(model._meta.pk.column)} AS varchar), r.{quote(client_field)}, "
        f"r.{quote(organization_field)} FROM ({source_sql}) r) "
    )
    constants = [f.get_db_prep_save(f.pre_save(event, add=True), connection) for f in constant]
    sql, params = first.query.sql_with_params()
    rows = list(model.objects.raw(prefix + sql, (*constants, *source_params, *params)))
    return rows[0] if rows else None
