"""The stored risk rank of plans (the coordinator dashboard's sort). earlywarning.risk decides
the values and calls this whenever they change."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Expression, Subquery

from ..models import AftercarePlan


def plans_risk_update(
    *,
    client_ids: Iterable[int] | None,
    risk_rank: Expression,
    last_warning_at: Expression | Subquery,
) -> int:
    """Set every plan's risk rank and latest warning of these clients (every plan when None)
    from expressions over the plan's row (subqueries by `client_id`), in one UPDATE."""
    plans = AftercarePlan.objects.all()
    if client_ids is not None:
        plans = plans.filter(client_id__in=list(client_ids))
    return plans.update(risk_rank=risk_rank, last_warning_at=last_warning_at)
