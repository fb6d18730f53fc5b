"""Recompute every aftercare plan's stored risk rank (after rows were written around the
services, e.g. bulk-loaded data)."""

from django.core.management.base import BaseCommand

from recoverypath.earlywarning.risk import caseload_risk_refresh


class Command(BaseCommand):
    help = "Recompute the coordinator dashboard's stored risk rank of every aftercare plan."

    def handle(self, *args, **options) -> None:
        updated = caseload_risk_refresh(client_ids=None)
        self.stdout.write(f"Recomputed the risk of {updated} plans.")
