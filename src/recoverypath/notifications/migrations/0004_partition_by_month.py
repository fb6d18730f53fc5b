"""On PostgreSQL, notifications_notification becomes a table partitioned by month of created_at (see
recoverypath.core.partitioning); nothing changes on SQLite."""

from django.db import migrations

from recoverypath.core.partitioning import partition_operation


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_text_to_a_support_contact")]

    operations = [partition_operation("notifications_notification", "created_at")]
