"""One UPDATE for many rows with different values each.

Django's bulk_update writes `SET col = CASE WHEN id = 1 THEN .. WHEN id = 2 THEN .. END` per
column, which PostgreSQL evaluates row by row against every WHEN: quadratic in the batch (a
1,000-row batch of alerts took seconds). On PostgreSQL this writes
`UPDATE t SET col = v.col FROM (VALUES (..), ..) AS v(id, col) WHERE t.id = v.id` instead;
elsewhere it is bulk_update.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def bulk_update_rows(objs: Sequence[models.Model], fields: list[str]) -> None:
    """Write `fields` of every object (all of one model, saved) in one statement."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns: list[models.Field] = [pk]
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{name} is not a column of {meta.label}.")
        columns.append(field)

    def quote(name: str | None) -> str:
        return connection.ops.quote_name(name or "")

    row = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in columns) + ")"
    params = [
        f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs for f in columns
    ]
    names = ", ".join(quote(f.column) for f in columns)
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:])
    # bandit B608: table and column names come from the model and are quoted; values are params.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {sets} "  # nosec B608
        f"FROM (VALUES {', '.join([row] * len(objs))}) AS v({names}) "
        f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
