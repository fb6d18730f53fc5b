"""Writes for testing, split by what they touch: policies (and program panels and settings), the
draw and selections (`selection`), collections (`specimens`), later results and medications
(`results`), and what a collection sets off (`evaluation`); `judging` holds how a result is read
and judged."""

from .evaluation import collection_evaluate
from .policies import (
    panel_create,
    policy_end,
    policy_start,
    policy_start_for_component,
    policy_start_program_default,
    policy_update,
    policy_validate,
    program_default_values,
    standard_panels,
    testing_settings_for,
)
from .results import medication_add, result_record, result_send_for_confirmation
from .selection import (
    draw_run,
    draws_run_due,
    no_shows_close,
    reminders_send_due,
    selection_add,
    selection_excuse,
    selections_mark_seen,
)
from .specimens import collection_record

__all__ = [
    "collection_evaluate",
    "collection_record",
    "draw_run",
    "draws_run_due",
    "medication_add",
    "no_shows_close",
    "panel_create",
    "policy_end",
    "policy_start",
    "policy_start_for_component",
    "policy_start_program_default",
    "policy_update",
    "policy_validate",
    "program_default_values",
    "reminders_send_due",
    "result_record",
    "result_send_for_confirmation",
    "selection_add",
    "selection_excuse",
    "selections_mark_seen",
    "standard_panels",
    "testing_settings_for",
]
