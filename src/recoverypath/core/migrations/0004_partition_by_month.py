"""On PostgreSQL, core_auditevent becomes a table partitioned by month of occurred_at (see
recoverypath.core.partitioning); nothing changes on SQLite."""

from django.db import migrations

from recoverypath.core.partitioning import partition_operation


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_only_trigger")]

    operations = [partition_operation("core_auditevent", "occurred_at")]
