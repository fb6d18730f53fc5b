"""On PostgreSQL the tables that grow by day are partitioned by month (core.partitioning): rows
land in their month's partition, a month without one waits in the DEFAULT partition until the
nightly job gives it one, nothing is lost or duplicated, constraints and the audit trigger hold,
and the conversion is reversible."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.models import AuditEvent
from recoverypath.core.partitioning import (
    MONTHS_AHEAD,
    PARTITIONED,
    is_partitioned,
    partition_table,
    partitions_ensure,
    unpartition_table,
)
from recoverypath.monitoring.models import CheckIn, Lapse

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's"),
]


def _today() -> date:
    return timezone.now().date()  # UTC, as partitions_ensure counts months


VALUES = {"mood": 3, "craving": 2, "sleep_hours": "7.0", "stress": 3}


def _partition_of(table: str, row_id: int) -> str:
    with connection.cursor() as cursor:
        # bandit B608: the table is one of ours.
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [row_id])  # nosec B608
        return cursor.fetchone()[0]


def _partitions(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_every_growing_table_is_partitioned_with_the_coming_months_ready():
    today = _today()
    for entry in PARTITIONED:
        assert is_partitioned(entry.table), entry.table
        names = _partitions(entry.table)
        assert f"{entry.table}_default" in names
        index = today.year * 12 + today.month - 1
        for offset in range(MONTHS_AHEAD + 1):
            month = date((index + offset) // 12, (index + offset) % 12 + 1, 1)
            assert f"{entry.table}_p{month:%Y%m}" in names


def test_a_check_in_lands_in_its_month_and_a_far_month_waits_in_default_until_the_job(cast):
    now = CheckIn.objects.create(client=cast.client, date=_today(), **VALUES)
    far = CheckIn.objects.create(client=cast.client, date=date(2031, 7, 9), **VALUES)
    assert _partition_of("monitoring_checkin", now.id) == f"monitoring_checkin_p{_today():%Y%m}"
    assert _partition_of("monitoring_checkin", far.id) == "monitoring_checkin_default"

    created = partitions_ensure()
    assert "monitoring_checkin_p203107" in created
    assert _partition_of("monitoring_checkin", far.id) == "monitoring_checkin_p203107"
    assert CheckIn.objects.filter(client=cast.client).count() == 2
    assert partitions_ensure() == []  # idempotent

    # One check-in per client and day still holds across the partitioned table.
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(client=cast.client, date=date(2031, 7, 9), **VALUES)


def test_an_audit_event_in_default_moves_and_stays_append_only(cast):
    event = audit_record(actor=cast.admin, action=Action.READ, client_id=cast.client.id)
    with connection.cursor() as cursor:  # an event from a month without a partition (a restore)
        cursor.execute(
            "INSERT INTO core_auditevent (occurred_at, actor_email, action, object_type, "
            "object_id, changes, user_agent, path) VALUES (%s, '', 'read', '', '', '{}', '', '') "
            "RETURNING id",
            [datetime(2019, 2, 3, 4, 5, tzinfo=UTC)],
        )
        old_id = cursor.fetchone()[0]
    assert _partition_of("core_auditevent", old_id) == "core_auditevent_default"
    assert "core_auditevent_p201902" in partitions_ensure()
    assert _partition_of("core_auditevent", old_id) == "core_auditevent_p201902"
    assert AuditEvent.objects.filter(id__in=[event.id, old_id]).count() == 2
    for sql in (
        "UPDATE core_auditevent SET action = 'delete' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [old_id])


def test_a_lapse_keeps_its_check_in_through_the_orm(cast):
    check_in = CheckIn.objects.create(client=cast.client, date=_today(), used=True, **VALUES)
    lapse = Lapse.objects.create(client=cast.client, date=check_in.date, check_in=check_in)
    assert list(check_in.lapses.all()) == [lapse]
    check_in.delete()
    lapse.refresh_from_db()
    assert lapse.check_in_id is None


def test_the_conversion_is_reversible_and_keeps_rows_and_ids(cast):
    first = CheckIn.objects.create(client=cast.client, date=date(2025, 1, 15), **VALUES)
    with connection.schema_editor() as editor:
        unpartition_table(editor, "monitoring_checkin", "date")
    assert not is_partitioned("monitoring_checkin")
    assert CheckIn.objects.get(id=first.id).date == date(2025, 1, 15)
    second = CheckIn.objects.create(client=cast.client, date=date(2025, 1, 16), **VALUES)
    assert second.id > first.id
    with connection.schema_editor() as editor:
        partition_table(editor, "monitoring_checkin", "date")
    assert is_partitioned("monitoring_checkin")
    assert "monitoring_checkin_p202501" in _partitions("monitoring_checkin")
    assert _partition_of("monitoring_checkin", second.id) == "monitoring_checkin_p202501"
    third = CheckIn.objects.create(client=cast.client, date=_today(), **VALUES)
    assert third.id > second.id
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(client=cast.client, date=date(2025, 1, 16), **VALUES)


def test_a_bulk_load_of_past_months_gets_their_partitions_first(db):
    created = partitions_ensure(since=date(2024, 11, 20))
    assert {"monitoring_checkin_p202411", "monitoring_checkin_p202412"} <= set(created)
    assert "core_auditevent_p202501" in _partitions("core_auditevent")
