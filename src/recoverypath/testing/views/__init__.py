"""Testing pages, split by subject: the sections testing adds to other apps' pages (`sections`),
the client's testing record for staff and its buttons (`record`), the client's own tests
(`own`), and the program report (`report`). Every view is re-exported here for urls.py and
apps.py."""

from .own import my_tests
from .record import (
    client_testing,
    collection_record,
    medication_add,
    policy_default,
    policy_end,
    policy_start,
    result_record,
    result_send,
    selection_add,
    selection_excuse,
)
from .report import report
from .sections import client_panel, home_section, nav_items, todo_items

__all__ = [
    "client_panel",
    "client_testing",
    "collection_record",
    "home_section",
    "medication_add",
    "my_tests",
    "nav_items",
    "policy_default",
    "policy_end",
    "policy_start",
    "report",
    "result_record",
    "result_send",
    "selection_add",
    "selection_excuse",
    "todo_items",
]
