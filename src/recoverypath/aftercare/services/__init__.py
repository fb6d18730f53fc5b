"""Every write of the aftercare app. Import from here: `from recoverypath.aftercare.services import
aftercare_plan_start`.

- `plans.py`: start, extend, step up to IOP, resume, complete;
- `components.py`: components and their logged contacts, goals and progress notes;
- `check_ins.py`: coordinator check-ins and their reminders;
- `help.py`: the client's "I need help now" and whom it texts."""

from .check_ins import coordinator_check_in_record, coordinator_check_in_schedule
from .components import (
    COMPONENT_FIELDS,
    component_add,
    component_contact_log,
    goal_add,
    goal_progress_add,
)
from .help import help_request_record, support_preferences_set
from .plans import (
    aftercare_plan_complete,
    aftercare_plan_extend,
    aftercare_plan_resume,
    aftercare_plan_start,
    aftercare_plan_step_up,
)
from .providers import PROVIDER_FIELDS, external_provider_create, external_provider_update
from .risk import plans_risk_update

__all__ = [
    "COMPONENT_FIELDS",
    "PROVIDER_FIELDS",
    "aftercare_plan_complete",
    "aftercare_plan_extend",
    "aftercare_plan_resume",
    "aftercare_plan_start",
    "aftercare_plan_step_up",
    "component_add",
    "component_contact_log",
    "coordinator_check_in_record",
    "coordinator_check_in_schedule",
    "external_provider_create",
    "external_provider_update",
    "goal_add",
    "goal_progress_add",
    "help_request_record",
    "plans_risk_update",
    "support_preferences_set",
]
