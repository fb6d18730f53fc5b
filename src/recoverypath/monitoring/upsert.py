"""The check-in upsert: one INSERT ... ON CONFLICT statement (PostgreSQL and SQLite 3.35+).

Django's `bulk_create(update_conflicts=True)` cannot count `revision` up in the database or return
the stored `submitted_at` of an updated row, so the statement is written here, from the model's
own fields (column names, quoting and value conversion all come from Django).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from .models import CHECK_IN_ANSWERS, CheckIn

if TYPE_CHECKING:
    from recoverypath.clients.models import Client

# Set by a resubmission of the same day; `submitted_at` (the first submission) stays.
_UPDATED = (*CHECK_IN_ANSWERS, "updated_at")


def _quote(name: str | None) -> str:
    assert name, "a concrete field always has a column"
    return connection.ops.quote_name(name)


def check_in_upsert_row(*, client: Client, day: date, values: dict[str, Any]) -> CheckIn:
    """Insert the client's check-in for `day`, or update that day's row, in one statement.

    Returns the stored row (every column, from RETURNING) with `client` attached. `revision` is
    1 for a new day and one more than before for an update: concurrent submissions of one day
    are serialized by the database on the unique (client, date) constraint, each counting once.
    Must run inside the caller's transaction (the audit row goes with it).
    """
    now = timezone.now()
    row = CheckIn(client=client, date=day, revision=1, submitted_at=now, updated_at=now, **values)
    fields = [f for f in CheckIn._meta.concrete_fields if not f.primary_key]
    table = _quote(CheckIn._meta.db_table)
    names = {f.name: _quote(f.column) for f in fields}
    # bandit B608: table and column names come from the model and are quoted; values are params.
    sql = (
        f"INSERT INTO {table} ({', '.join(names[f.name] for f in fields)}) "  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({names['client']}, {names['date']}) DO UPDATE SET "
        + ", ".join(f"{names[n]} = EXCLUDED.{names[n]}" for n in _UPDATED)
        + f", {names['revision']} = {table}.{names['revision']} + 1 "
        f"RETURNING {', '.join(_quote(f.column) for f in CheckIn._meta.concrete_fields)}"
    )
    params = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
    [stored] = CheckIn.objects.raw(sql, params)  # one row: the one inserted or updated
    stored.client = client
    return stored
