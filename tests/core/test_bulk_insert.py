"""core.bulk.bulk_insert_rows: the same rows as bulk_create (COPY with ids from the sequence on
PostgreSQL, bulk_create elsewhere), ids set on the objects, a fixed number of statements."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from recoverypath.alerts.models import Alert, AlertEvent
from recoverypath.alerts.services import alert_raise
from recoverypath.core.audit import Action
from recoverypath.core.bulk import bulk_insert_rows
from recoverypath.core.models import AuditEvent
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

# Text COPY has to escape: tabs, new lines, backslashes, quotes, non-ASCII.
AWKWARD = 'Tab\there, line\nbreak, back\\slash, "quoted", \\N, café ✓'


def _events(alert: Alert, count: int) -> list[AlertEvent]:
    at = datetime(2026, 3, 8, 1, 30, tzinfo=ZoneInfo("America/New_York"))
    return [
        AlertEvent(
            alert=alert,
            kind=AlertEvent.Kind.RE_RAISED if n % 2 else AlertEvent.Kind.RAISED,
            at=at,
            level=n,
            note=AWKWARD if n == 0 else f"note {n}",
            notified=[] if n == 0 else [n, n + 1],
        )
        for n in range(count)
    ]


def _audit_rows(count: int) -> list[AuditEvent]:
    return [
        AuditEvent(
            action=Action.UPDATE,
            object_type=gettext_lazy("alerts.alert"),  # a lazy string: Django's own preparation
            object_id=str(n),
            client_id=None if n == 0 else n,
            organization_id=7,
            changes={"reason": [None, AWKWARD], "n": n, "nested": {"list": [1, "two", None]}},
        )
        for n in range(count)
    ]


def _stored(model, ids: list[int], *, skip: tuple[str, ...] = ()) -> list[dict]:
    rows = model.objects.filter(id__in=ids).order_by("id").values()
    return [{k: v for k, v in row.items() if k != "id" and k not in skip} for row in rows]


@pytest.fixture
def alert(cast) -> Alert:
    return alert_raise(
        client=ClientFactory(program=cast.program),
        kind="monitoring.no_checkin",
        severity="medium",
        reason="No check-in.",
        dedup_key="bulk-insert-test",
    )


def test_rows_match_bulk_create_and_ids_are_set(alert):
    copied, created = _events(alert, 5), _events(alert, 5)
    bulk_insert_rows(copied)
    AlertEvent.objects.bulk_create(created)
    ids = [e.id for e in copied]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 5
    assert all(not e._state.adding for e in copied)
    assert _stored(AlertEvent, ids) == _stored(AlertEvent, [e.id for e in created])
    first = AlertEvent.objects.get(id=ids[0])
    assert first.note == AWKWARD and first.notified == []
    assert first.at == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)


def test_json_lazy_strings_and_auto_now_add_as_bulk_create(db):
    copied, created = _audit_rows(4), _audit_rows(4)
    bulk_insert_rows(copied)
    AuditEvent.objects.bulk_create(created)
    assert _stored(AuditEvent, [e.id for e in copied], skip=("occurred_at",)) == _stored(
        AuditEvent, [e.id for e in created], skip=("occurred_at",)
    )
    stored = AuditEvent.objects.get(id=copied[0].id)
    assert stored.object_type == "alerts.alert" and stored.client_id is None
    assert stored.changes["reason"] == [None, AWKWARD]
    assert stored.occurred_at is not None and stored.occurred_at.tzinfo is not None


def test_saved_objects_are_refused(alert):
    events = _events(alert, 2)
    bulk_insert_rows(events[:1])
    if connection.vendor == "postgresql":
        with pytest.raises(ValueError, match="no id yet"):
            bulk_insert_rows(events)


def test_statements_do_not_grow_with_the_rows(alert):
    counts = []
    for size in (2, 40):
        with CaptureQueriesContext(connection) as queries:
            bulk_insert_rows(_events(alert, size))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 1
    assert bulk_insert_rows([]) is None
