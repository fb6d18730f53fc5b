"""On PostgreSQL, notifications_notification becomes a table partitioned by month of created_at (see
recoverypath.core.partitioning); nothing changes on SQLite."""

from django.db import migrations

from recoverypath.core.partitioning import partition_operation


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_reminder_settings_and_check_in_time")]

    operations = [partition_operation("notifications_notification", "created_at")]
