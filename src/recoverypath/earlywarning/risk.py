"""The coordinator dashboard's stored risk rank, kept where it changes.

Every aftercare plan stores its client's risk (`risk_rank`: the most severe active alert, 0
critical .. 3 low, 9 none; `last_warning_at`: the latest warning sign), so the dashboard's
page is an index range scan instead of a subquery per open plan. They change only when:

    an alert is raised, raised again or resolved   alerts' services tell `alerts_changed`
    a warning sign is recorded or updated           warning_raise raises its alert (above)
    a plan is started                               aftercare's `aftercare_plan_started` signal

and each of those refreshes the client's plans in one UPDATE (a batch's clients in one UPDATE
for the nightly rules). `caseload_risk_refresh(client_ids=None)` (the `caseload_risk_recompute`
command) recomputes every plan, e.g. after rows were written around the services.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.dispatch import receiver

from recoverypath.aftercare.services import plans_risk_update
from recoverypath.aftercare.signals import aftercare_plan_started
from recoverypath.alerts.selectors import alert_rank_subquery

from .models import WarningSign


def last_warning_subquery(*, client_id: OuterRef) -> Subquery:
    """When the latest warning sign of the client named by `client_id` was last seen."""
    return Subquery(
        WarningSign.objects.filter(client_id=client_id)
        .order_by("-last_seen_at")
        .values("last_seen_at")[:1]
    )


def caseload_risk_refresh(*, client_ids: Iterable[int] | None) -> int:
    """Recompute the stored risk of these clients' plans (every plan when None), in one UPDATE.
    Returns how many plans were updated."""
    return plans_risk_update(
        client_ids=client_ids,
        risk_rank=alert_rank_subquery(client_id=OuterRef("client_id")),
        last_warning_at=last_warning_subquery(client_id=OuterRef("client_id")),
    )


def on_alerts_changed(client_ids: list[int]) -> None:
    caseload_risk_refresh(client_ids=client_ids)


@receiver(aftercare_plan_started, dispatch_uid="earlywarning.risk.on_plan_started")
def _on_plan_started(sender, plan, **kwargs) -> None:
    caseload_risk_refresh(client_ids=[plan.client_id])
