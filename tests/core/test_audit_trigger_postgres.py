"""On PostgreSQL the database itself refuses to change or remove an audit event, whatever the
application's guards: raw UPDATE and DELETE through the application's own connection fail."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.models import AuditEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's trigger"),
]


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_to_update_an_audit_event(cast):
    event = audit_record(actor=cast.admin, action=Action.READ, client_id=cast.client.id)
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE core_auditevent SET action = %s WHERE id = %s", ["delete", event.id])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE core_auditevent SET changes = %s", ['{"forged": true}'])
    event.refresh_from_db()
    assert (event.action, event.changes) == (Action.READ, {})


def test_the_database_refuses_to_delete_an_audit_event(cast):
    event = audit_record(actor=cast.admin, action=Action.READ, client_id=cast.client.id)
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditevent WHERE id = %s", [event.id])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditevent", [])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_appending_still_works(cast):
    before = AuditEvent.objects.count()
    audit_record(actor=cast.admin, action=Action.READ, client_id=cast.client.id)
    assert AuditEvent.objects.count() == before + 1
