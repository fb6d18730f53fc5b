"""The standard panels of shared/CLINICAL.md (urine and oral fluid), available to every program."""

from django.db import migrations

from recoverypath.testing.catalog import STANDARD_PANELS, standard_cutoffs


def add_panels(apps, schema_editor):
    TestPanel = apps.get_model("testing", "TestPanel")
    for panel in STANDARD_PANELS:
        TestPanel.objects.update_or_create(
            program=None,
            code=panel.code,
            defaults={
                "name": panel.name,
                "specimen_type": panel.specimen_type,
                "cutoffs": standard_cutoffs(panel.specimen_type, panel.analytes),
            },
        )


def remove_panels(apps, schema_editor):
    TestPanel = apps.get_model("testing", "TestPanel")
    TestPanel.objects.filter(program=None, code__in=[p.code for p in STANDARD_PANELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("testing", "0001_policies_draws_results")]

    operations = [migrations.RunPython(add_panels, remove_panels)]
