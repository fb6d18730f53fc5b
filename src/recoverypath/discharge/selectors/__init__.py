"""Reads for discharge planning: plans and readiness (`plans.py`), referrals, providers and
summaries (`referrals.py`), the gap measure (`gap.py`). Import from here."""

from .gap import (
    GAP_PAGE_SIZE,
    GAP_TARGET_DAYS,
    GapReport,
    GapRow,
    gap_for_plan,
    gap_report,
)
from .plans import (
    Readiness,
    checklist_item_get,
    checklist_items_due_for_owner,
    item_is_required,
    plan_for_client,
    plan_get,
    plan_list,
    plan_queryset_for_user,
    plan_readiness,
    plan_with_items,
    plans_due_for_alert,
)
from .referrals import (
    REFERRALS,
    provider_get,
    provider_list,
    referral_get,
    referral_list_for_client,
    referral_queryset_for_client,
    referral_queryset_for_user,
    summaries_for_client,
    summary_get,
)

__all__ = [
    "GAP_PAGE_SIZE",
    "GAP_TARGET_DAYS",
    "REFERRALS",
    "GapReport",
    "GapRow",
    "Readiness",
    "checklist_item_get",
    "checklist_items_due_for_owner",
    "gap_for_plan",
    "gap_report",
    "item_is_required",
    "plan_for_client",
    "plan_get",
    "plan_list",
    "plan_queryset_for_user",
    "plan_readiness",
    "plan_with_items",
    "plans_due_for_alert",
    "provider_get",
    "provider_list",
    "referral_get",
    "referral_list_for_client",
    "referral_queryset_for_client",
    "referral_queryset_for_user",
    "summaries_for_client",
    "summary_get",
]
