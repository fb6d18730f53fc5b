"""Monthly range partitions for the tables that grow by day, on PostgreSQL only.

Check-ins, audit events, notifications and alert events gain rows every day for every client and
are read by recent time ranges, so on PostgreSQL each is a declaratively partitioned table (one
partition per calendar month of its time column, plus a DEFAULT partition so an insert never
fails). `partition_table` converts an existing table in place (the migrations call it); the
periodic `partitions_ensure` keeps the next months' partitions ready and moves any rows that landed
in the DEFAULT partition into a partition of their own. SQLite is untouched: every function here
is a no-op there.

The Django models keep `id` as their primary key: the database's key is `(id, <time column>)`, as
PostgreSQL requires the partition key in every unique constraint; ids still come from one
identity sequence, so `id` stays unique. A foreign key cannot point at a partitioned table without
the time column, so references to these tables are kept by the ORM (`db_constraint=False`).

See https://www.postgresql.org/docs/15/ddl-partitioning.html
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartitionedTable:
    table: str
    column: str


# The tables partitioned by month, and the time column of each. The migrations convert them.
PARTITIONED = (
    PartitionedTable("monitoring_checkin", "date"),
    PartitionedTable("core_auditevent", "occurred_at"),
    PartitionedTable("notifications_notification", "created_at"),
    PartitionedTable("alerts_alertevent", "at"),
)

# How many months after the current one always have a partition.
MONTHS_AHEAD = 3


def _month(day: date, offset: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def _partition_name(table: str, month: date) -> str:
    return f"{table}_p{month:%Y%m}"


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def is_partitioned(table: str, *, connection: BaseDatabaseWrapper = default_connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def _create_month(cursor, connection, table: str, month: date) -> bool:
    """Create `table`'s partition for `month` unless it exists; rows of that month waiting in the
    DEFAULT partition move into it (PostgreSQL refuses the new partition while the DEFAULT holds
    rows of its range). Returns whether it was created."""
    name = _partition_name(table, month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return False
    parent, child = _quote(connection, table), _quote(connection, name)
    default = _quote(connection, f"{table}_default")
    column = _quote(connection, _column_of(table))
    low, high = month.isoformat(), _month(month, 1).isoformat()
    create = (
        f"CREATE TABLE {child} PARTITION OF {parent} "  # nosec B608
        f"FOR VALUES FROM ('{low}') TO ('{high}')"
    )
    # bandit B608: every identifier is ours (PARTITIONED) and quoted; the bounds are dates.
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {default} "  # nosec B608
        f"WHERE {column} >= %s AND {column} < %s)",
        [low, high],
    )
    if not cursor.fetchone()[0]:
        cursor.execute(create)
        return True
    cursor.execute(f"ALTER TABLE {parent} DETACH PARTITION {default}")  # nosec B608
    cursor.execute(create)
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE {column} >= %s AND {column} < %s "  # nosec B608
        f"RETURNING *) INSERT INTO {parent} SELECT * FROM moved",
        [low, high],
    )
    cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {default} DEFAULT")  # nosec B608
    return True


def _column_of(table: str) -> str:
    for entry in PARTITIONED:
        if entry.table == table:
            return entry.column
    raise KeyError(table)


def partitions_ensure(
    *,
    today: date | None = None,
    since: date | None = None,
    connection: BaseDatabaseWrapper = default_connection,
) -> list[str]:
    """Create the partitions for this month and the next MONTHS_AHEAD months of every partitioned
    table (from the month of `since` on, when given: a bulk load of past data calls it first),
    and give every month with rows in a DEFAULT partition a partition of its own.
    Idempotent. Returns the names of the partitions created (nothing on SQLite)."""
    if connection.vendor != "postgresql":
        return []
    today = today or timezone.now().date()
    created = []
    for entry in PARTITIONED:
        if not is_partitioned(entry.table, connection=connection):
            continue
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            default = _quote(connection, f"{entry.table}_default")
            column = _quote(connection, entry.column)
            cursor.execute(
                f"SELECT DISTINCT date_trunc('month', {column})::date FROM {default}"  # nosec B608
            )
            months = {row[0] for row in cursor.fetchall()}
            month, last = _month(min(since or today, today)), _month(today, MONTHS_AHEAD)
            while month <= last:
                months.add(month)
                month = _month(month, 1)
            for month in sorted(months):
                if _create_month(cursor, connection, entry.table, month):
                    created.append(_partition_name(entry.table, month))
    if created:
        logger.info("partitions created: %s", ", ".join(created))
    return created


def partition_table(schema_editor, table: str, column: str) -> None:
    """Convert `table` into a table partitioned by month of `column` (PostgreSQL only; a no-op
    elsewhere or when it already is). Keeps every row, column, default, NOT NULL and CHECK, the
    foreign keys from it, its unique constraints (which must include `column`), indexes and
    triggers; the primary key becomes `(id, column)`; the identity sequence continues after the
    largest id. Partitions cover every month with rows up to MONTHS_AHEAD months from now.
    Foreign keys *to* the table must have been dropped first (db_constraint=False)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or is_partitioned(table, connection=connection):
        return
    _rebuild(schema_editor, table, column)


def unpartition_table(schema_editor, table: str, column: str) -> None:
    """The reverse of `partition_table`: one plain table again, primary key `id`."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or not is_partitioned(table, connection=connection):
        return
    _rebuild(schema_editor, table, column, partitioned=False)


def _rebuild(schema_editor, table: str, column: str, *, partitioned: bool = True) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    legacy = f"{table}__rebuilt"
    # Definitions are read before the rename, so they name `table` itself.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid), conindid FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u', 'p')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT x.indexrelid, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "WHERE x.indrelid = %s::regclass",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        triggers = [row[0] for row in cursor.fetchall()]
        # bandit B608: table and column are ours (PARTITIONED) and quoted.
        cursor.execute(
            f"SELECT min({quote(column)}), max({quote(column)}) FROM {quote(table)}"  # nosec B608
        )
        low, high = cursor.fetchone()
    constraint_indexes = {index_id for _, kind, _, index_id in constraints if kind in "up"}
    for name, kind, definition, _ in constraints:
        if partitioned and kind == "u" and column not in definition:
            raise ValueError(f"{table}.{name}: a unique constraint must include {column}")

    run = schema_editor.execute
    # Deferred foreign-key checks of rows written earlier in this transaction run now: a table
    # with pending trigger events cannot be dropped.
    run("SET CONSTRAINTS ALL IMMEDIATE")
    run(f"ALTER TABLE {quote(table)} RENAME TO {quote(legacy)}")
    run(
        f"CREATE TABLE {quote(table)} (LIKE {quote(legacy)} INCLUDING DEFAULTS "
        f"INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING STORAGE)"
        + (f" PARTITION BY RANGE ({quote(column)})" if partitioned else "")
    )
    if partitioned:
        run(f"CREATE TABLE {quote(table + '_default')} PARTITION OF {quote(table)} DEFAULT")
        today = timezone.now().date()
        month = _month(_as_date(low)) if low is not None else _month(today)
        last = _month(max(today, _as_date(high)) if high is not None else today, MONTHS_AHEAD)
        while month <= last:
            run(
                f"CREATE TABLE {quote(_partition_name(table, month))} PARTITION OF "
                f"{quote(table)} FOR VALUES FROM ('{month.isoformat()}') "
                f"TO ('{_month(month, 1).isoformat()}')"
            )
            month = _month(month, 1)
    run(f"INSERT INTO {quote(table)} SELECT * FROM {quote(legacy)}")  # nosec B608
    run(f"DROP TABLE {quote(legacy)}")  # with its partitions, when it had them
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
    run(
        f"SELECT setval('{sequence}', "  # nosec B608
        f"COALESCE((SELECT max(id) FROM {quote(table)}), 0) + 1, false)"
    )
    if sequence.split(".")[-1].strip('"') != f"{table}_id_seq":
        run(f"ALTER SEQUENCE {sequence} RENAME TO {quote(table + '_id_seq')}")
    for name, kind, definition, _ in constraints:
        if kind == "p":
            definition = f"PRIMARY KEY (id, {quote(column)})" if partitioned else "PRIMARY KEY (id)"
        run(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    for index_id, definition in indexes:
        if index_id not in constraint_indexes:
            # A partitioned table's index definitions say ON ONLY; the rebuilt one takes them whole.
            run(definition.replace(" ON ONLY ", " ON "))
    for definition in triggers:
        run(definition)


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def partition_operation(table: str, column: str):
    """A migration operation partitioning `table` by month of `column` on PostgreSQL (reversible;
    nothing on other databases)."""
    from django.db import migrations

    def forward(apps, schema_editor):
        partition_table(schema_editor, table, column)

    def backward(apps, schema_editor):
        unpartition_table(schema_editor, table, column)

    return migrations.RunPython(forward, backward, elidable=False)
