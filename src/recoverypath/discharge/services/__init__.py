"""Every write of the discharge app. Import from here: `from recoverypath.discharge.services import
discharge_graduate`."""

from recoverypath.aftercare.services import external_provider_create, external_provider_update

from .checklist_items import checklist_aftercare_plan_drafted, checklist_item_update
from .graduation import discharge_graduate, episode_finish_check, readiness_alerts_raise
from .plans import (
    alumni_offer_respond,
    discharge_plan_close,
    discharge_plan_open,
    discharge_plan_owner_follow,
    discharge_plan_update,
)
from .referrals import referral_create, referral_transition
from .summary import summary_generate, summary_share, summary_sign

__all__ = [
    "alumni_offer_respond",
    "checklist_aftercare_plan_drafted",
    "checklist_item_update",
    "discharge_graduate",
    "discharge_plan_close",
    "discharge_plan_open",
    "discharge_plan_owner_follow",
    "discharge_plan_update",
    "episode_finish_check",
    "external_provider_create",
    "external_provider_update",
    "readiness_alerts_raise",
    "referral_create",
    "referral_transition",
    "summary_generate",
    "summary_share",
    "summary_sign",
]
