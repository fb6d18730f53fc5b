from django.db import migrations, models


class Migration(migrations.Migration):
    """The chain-of-custody form's number is a lab's reference, not a database id: named so."""

    dependencies = [
        ("testing", "0002_standard_panels"),
    ]

    operations = [
        migrations.RenameField(
            model_name="collection",
            old_name="chain_of_custody_id",
            new_name="custody_form_number",
        ),
        migrations.AlterField(
            model_name="collection",
            name="custody_form_number",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="chain-of-custody form number"
            ),
        ),
    ]
