"""On PostgreSQL, the database itself refuses to change or remove an audit event: a trigger
raises on every UPDATE and DELETE of core_auditevent, whoever sends it (the ORM's guards in
core.models stop the application; this stops a shell, a script or a compromised process using the
application's database user). TRUNCATE stays possible for test databases' flush; a production
database user should not hold that privilege."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'Audit events are append-only: ' || TG_OP || ' refused on core_auditevent',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_idempotency_record")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
