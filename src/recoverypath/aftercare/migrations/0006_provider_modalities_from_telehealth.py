from django.db import migrations


def modalities_from_telehealth(apps, schema_editor):
    """Each provider's modalities from what was known: video when they offered telehealth; in
    person when they did not, or when they have an address to visit."""
    provider_model = apps.get_model("aftercare", "ExternalProvider")
    changed = []
    for provider in provider_model.objects.only("id", "telehealth", "address", "modalities"):
        if provider.modalities:
            continue
        modalities = []
        if provider.address.strip() or not provider.telehealth:
            modalities.append("in_person")
        if provider.telehealth:
            modalities.append("video")
        provider.modalities = modalities
        changed.append(provider)
    provider_model.objects.bulk_update(changed, ["modalities"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("aftercare", "0005_modality_and_join_link")]

    operations = [migrations.RunPython(modalities_from_telehealth, migrations.RunPython.noop)]
