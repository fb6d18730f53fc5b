"""Trigram indexes for the caseload's name search on PostgreSQL (pg_trgm): the search filters
`icontains`, which Django writes as UPPER(column::text) LIKE UPPER('%word%'), so each index is
on that expression. Nothing on SQLite (it keeps a plain scan)."""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "preferred_name")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS client_{column}_trgm ON clients_client "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )
    # The same search matches the MRN exactly (iexact: UPPER(mrn::text) = UPPER('...')); with
    # this index every branch of its OR has one, so PostgreSQL can combine them (BitmapOr).
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS client_mrn_upper ON clients_client ((UPPER(mrn::text)))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS client_{column}_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS client_mrn_upper")


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_client_race_ethnicity")]

    operations = [migrations.RunPython(create, drop)]
