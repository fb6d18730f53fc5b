"""Bulk writing for the scale demo: rows as tuples, buffered per table for one chunk, then written
with PostgreSQL's COPY (psycopg 3) or, on SQLite, one executemany INSERT per table.

Ids are allocated in the process, counting on from each table's sequence as it was when the load
began, so a child row names its parent's id before either is written and generating rows needs no
database at all (it can run in a thread of its own). Before a batch is written the sequence is
moved past its ids (`setval`), so the application's own inserts afterwards never collide. Meant
for loading a demo: a row another session inserts meanwhile makes the load fail (a duplicate key)
and roll back, never corrupts it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import NOT_PROVIDED, Model
from django.utils import timezone


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


# Check-ins repeat a few hundred short lists (triggers, coping): serialize each once.
_LIST_TEXT: dict[tuple[Any, ...], str] = {}


def copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is date or kind is datetime:
        return value.isoformat()
    if kind is list:
        key = tuple(value)
        text = _LIST_TEXT.get(key)
        if text is None:
            text = _escape(json.dumps(value))
            if len(_LIST_TEXT) < 10_000 and all(type(v) is str for v in key):
                _LIST_TEXT[key] = text
        return text
    if kind is dict:
        return _escape(json.dumps(value))
    if kind is Decimal or kind is float:
        return str(value)
    if isinstance(value, str):  # a TextChoices member
        return _escape(str.__str__(value))
    raise TypeError(f"No COPY text for {kind.__name__}")


class Table:
    """The rows of one model not yet written. `columns` are attnames the generator fills in that
    order; every other concrete column gets its default (auto_now fields: the load's time)."""

    def __init__(self, model: type[Model], columns: tuple[str, ...], *, now: datetime) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{self.name} has no columns {sorted(unknown)}")
        self.fields = [fields[c] for c in columns]
        rest = [f for f in fields.values() if f.attname not in columns]
        constants: list[Any] = []
        for field in rest:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                constants.append(now)
            elif field.default is not NOT_PROVIDED:
                constants.append(field.get_default())
            elif field.null:
                constants.append(None)
            elif field.empty_strings_allowed and field.blank:
                constants.append("")
            else:
                raise ValueError(f"{self.name}.{field.attname} needs a value (no default)")
        self.fields += rest
        self.constants = tuple(constants)
        self.column_names = [f.column for f in self.fields]
        self.pending: list[Any] = []
        self.written = 0
        self.seconds = 0.0  # spent writing
        self._postgres = connection.vendor == "postgresql"
        if self._postgres:
            suffix = "".join("\t" + copy_text(v) for v in self.constants)
            self._suffix = suffix + "\n"
        with connection.cursor() as cursor:
            if self._postgres:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [self.name])
            else:
                # bandit B608: the table name is a model's db_table, not input.
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{self.name}"')  # nosec B608
            self._next_id = cursor.fetchone()[0]
        self._reserved = self._next_id  # the sequence stands at this id

    def next_id(self) -> int:
        """An id for a row about to be added."""
        value = self._next_id
        self._next_id += 1
        return value

    def add(self, row: tuple[Any, ...]) -> None:
        if self._postgres:
            self.pending.append("\t".join(map(copy_text, row)) + self._suffix)
        else:
            self.pending.append(row + self.constants)

    @property
    def copies(self) -> bool:
        """Whether rows may be given as COPY text lines (`add_line`): PostgreSQL only."""
        return self._postgres

    def add_line(self, line: str) -> None:
        """A row already in COPY text format, tab-separated in `columns` order, no newline."""
        self.pending.append(line + self._suffix)

    def take(self) -> Batch:
        """The pending rows, handed over for writing (this table starts a new batch)."""
        batch = Batch(self, self.pending, self._next_id - 1)
        self.pending = []
        return batch

    def write(self, batch: Batch) -> int:
        """Write one batch of this table's rows; returns how many."""
        count = len(batch.rows)
        if not count:
            return 0
        began = time.perf_counter()
        columns = ", ".join(f'"{c}"' for c in self.column_names)
        with connection.cursor() as cursor:
            if self._postgres:
                if batch.last_id >= self._reserved:
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                        [self.name, batch.last_id],
                    )
                    self._reserved = batch.last_id
                raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
                with raw.copy(f'COPY "{self.name}" ({columns}) FROM STDIN') as copy:
                    copy.write("".join(batch.rows))
            else:
                # SQLite: explicit ids move AUTOINCREMENT along by themselves.
                marks = ", ".join(["%s"] * len(self.fields))
                prepared = [
                    tuple(
                        f.get_db_prep_save(v, connection)
                        for f, v in zip(self.fields, row, strict=True)
                    )
                    for row in batch.rows
                ]
                # bandit B608: table and columns are a model's; the values are parameters.
                cursor.executemany(
                    f'INSERT INTO "{self.name}" ({columns}) VALUES ({marks})',  # nosec B608
                    prepared,
                )
        self.seconds += time.perf_counter() - began
        self.written += count
        return count


@dataclass
class Batch:
    table: Table
    rows: list[Any]
    last_id: int


class Tables:
    """All tables of the load, written together in the order they were declared (parents
    first). Rows are added by one thread; `take()` hands them to the thread that writes."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self._tables: list[Table] = []

    def table(self, model: type[Model], columns: Iterable[str]) -> Table:
        table = Table(model, tuple(columns), now=self.now)
        self._tables.append(table)
        return table

    def take(self) -> list[Batch]:
        return [table.take() for table in self._tables]

    @staticmethod
    def write(batches: list[Batch]) -> int:
        return sum(batch.table.write(batch) for batch in batches)

    def flush(self) -> int:
        return self.write(self.take())

    def counts(self) -> dict[str, int]:
        return {t.name: t.written for t in self._tables}

    def write_seconds(self) -> dict[str, float]:
        return {t.name: t.seconds for t in self._tables}
