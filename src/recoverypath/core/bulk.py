"""Many rows at once: `bulk_update_rows` (one UPDATE, different values each) and
`bulk_insert_rows` (ids from the sequence, then one COPY).

`bulk_update_rows`:

Django's bulk_update writes `SET col = CASE WHEN id = 1 THEN .. WHEN id = 2 THEN .. END` per
column, which PostgreSQL evaluates row by row against every WHEN: quadratic in the batch (a
1,000-row batch of alerts took seconds). On PostgreSQL this writes
`UPDATE t SET col = v.col FROM (VALUES (..), ..) AS v(id, col) WHERE t.id = v.id` instead;
elsewhere it is bulk_update.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

# Field types whose value, of the exact Python type given, PostgreSQL's driver takes as it is:
# Django's own preparation (get_db_prep_save) would hand it back unchanged.
_AS_IS: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.BooleanField: (bool,),
    models.ForeignKey: (int,),
}


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


def _preparer(field: models.Field) -> Callable[[models.Model], Any]:
    """How to read `field`'s database value from an unsaved object: as Django's bulk_create
    does (pre_save, then get_db_prep_save), with a shortcut for values that need nothing."""

    def prepared(obj: models.Model) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    attname = field.attname
    plain = _AS_IS.get(type(field))
    if type(field) is models.ForeignKey and not isinstance(
        field.target_field, models.AutoField | models.BigAutoField | models.IntegerField
    ):
        plain = None
    if plain is not None:
        kinds = plain

        def as_is(obj: models.Model) -> Any:
            value = getattr(obj, attname)
            return value if value is None or type(value) in kinds else prepared(obj)

        return as_is
    if type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add):

        def zoned(obj: models.Model) -> Any:
            value = getattr(obj, attname)
            aware = isinstance(value, datetime) and value.tzinfo is not None
            return value if value is None or aware else prepared(obj)

        return zoned
    return prepared


def bulk_insert_rows(objs: Sequence[models.Model]) -> None:
    """Insert unsaved objects (all of one model, with an auto primary key left empty) and set
    their primary keys, like `bulk_create(objs)`. On PostgreSQL: their ids drawn from the
    table's sequence in one query, then every row in one COPY, its values read straight off the
    objects where Django's preparation would not change them. (bulk_create runs every value
    through the field's full preparation, then the driver dumps each column as an array: most of
    a nightly job's time in Python. A multi-row INSERT .. VALUES is no better: the driver parses
    the long statement's placeholders each time.) Elsewhere it is bulk_create. Sends no
    signals, as bulk_create sends none; triggers and constraints apply as to any INSERT. The
    COPY is not in `connection.queries` (Django logs execute() only); the id query is."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    pk = meta.pk
    if not isinstance(pk, models.AutoField | models.BigAutoField) or any(
        obj.pk is not None for obj in objs
    ):
        raise ValueError(f"bulk_insert_rows writes new {meta.label} rows with no id yet.")
    fields = [f for f in meta.local_concrete_fields if f is not pk and not f.generated]
    prepare = [_preparer(f) for f in fields]
    names = ", ".join(connection.ops.quote_name(f.column or "") for f in [pk, *fields])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        rows = [
            [new_id, *(get(obj) for get in prepare)] for obj, new_id in zip(objs, ids, strict=True)
        ]
        # The table and column names come from the model and are quoted; the values are data.
        statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = connection.alias
