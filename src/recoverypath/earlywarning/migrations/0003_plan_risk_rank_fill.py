"""Fill the stored risk rank of existing aftercare plans (earlywarning.risk keeps it after)."""

from django.db import migrations
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

RANKS = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def fill(apps, schema_editor):
    plan_model = apps.get_model("aftercare", "AftercarePlan")
    alert_model = apps.get_model("alerts", "Alert")
    sign_model = apps.get_model("earlywarning", "WarningSign")
    rank = Case(
        *[When(severity=s, then=Value(r)) for s, r in RANKS.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    alerts = alert_model.objects.filter(
        client_id=OuterRef("client_id"), status__in=["open", "acknowledged"]
    )
    plan_model.objects.update(
        risk_rank=Coalesce(
            Subquery(alerts.annotate(r=rank).order_by("r").values("r")[:1]), Value(9)
        ),
        last_warning_at=Subquery(
            sign_model.objects.filter(client_id=OuterRef("client_id"))
            .order_by("-last_seen_at")
            .values("last_seen_at")[:1]
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("earlywarning", "0002_unexcused_absences_rule"),
        ("aftercare", "0007_plan_stored_risk_rank"),
        ("alerts", "0003_inbox_order_index"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
