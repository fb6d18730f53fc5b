"""Discharge pages: plan list and readiness, checklist items, graduation (`plans.py`), referrals and
providers (`referrals.py`), the discharge summary (`summaries.py`), the gap-in-care report
(`reports.py`); plus what discharge adds to other pages: navigation, to-do items, the client page
panel and the client's home (`panels.py`)."""

from .panels import client_home_section, client_panel, nav_items, todo_items
from .plans import alumni_respond, graduate, item_edit, plan_detail, plan_edit, plan_list
from .referrals import (
    provider_create,
    provider_edit,
    provider_list,
    referral_create,
    referral_move,
)
from .reports import gap_report
from .summaries import (
    summary_detail,
    summary_download,
    summary_regenerate,
    summary_share,
    summary_sign,
)

__all__ = [
    "alumni_respond",
    "client_home_section",
    "client_panel",
    "gap_report",
    "graduate",
    "item_edit",
    "nav_items",
    "plan_detail",
    "plan_edit",
    "plan_list",
    "provider_create",
    "provider_edit",
    "provider_list",
    "referral_create",
    "referral_move",
    "summary_detail",
    "summary_download",
    "summary_regenerate",
    "summary_share",
    "summary_sign",
    "todo_items",
]
