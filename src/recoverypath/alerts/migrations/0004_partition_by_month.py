"""On PostgreSQL, alerts_alertevent becomes a table partitioned by month of at (see
recoverypath.core.partitioning); nothing changes on SQLite."""

from django.db import migrations

from recoverypath.core.partitioning import partition_operation


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_inbox_order_index")]

    operations = [partition_operation("alerts_alertevent", "at")]
