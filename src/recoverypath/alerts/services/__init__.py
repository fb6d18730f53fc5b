"""Writes to alerts. `alert_raise` is the one way in for every app; the rest are what staff do
in the inbox, and the worker's escalation job. One module per subject: raising, inbox (what
staff do), chain (who is told), escalation; every service is importable from here.

Every safety event is its own signal (the rule every raising app follows):
    A new event (a positive screen, a help request, a reported use, a rule firing on new data)
    raises a NEW alert, with its own notices and its own escalation, even when an alert of the
    same kind is open or acknowledged for the client. Raising apps therefore build `dedup_key`
    from the event itself (the assessment's id, the help request's id, the lapse's id).
    The key merges only repeated submissions of the SAME event (a double tap, a retried
    request): those are recorded on the existing alert as "raised again", and tell people again
    only if the severity rose. A state that persists (no check-in for days, low adherence) is
    one event while it lasts: its key names the state, and the rule resolves the alert when
    the state ends (see earlywarning).

Escalation chain (one step each time the program's window passes without acknowledgement),
configurable per program (`EscalationPolicy.chain`), by default:
    the assignee (if any) -> the client's primary clinician and coordinator together
    -> every admin of the program.
Empty steps and people already reached are skipped, so a client with neither clinician nor
coordinator goes straight to the admins (and shows as "no care team" on every clinician's
to-do list, see selectors.alerts_without_care_team).

Paging: the first notice goes to the first step at once. Each window without acknowledgement
takes the next step. A critical alert never stops: at the top of the chain it pages the top
step again every window until someone acknowledges it; its window cannot be switched off and
its notices ignore quiet hours. Other severities take each step once and stop at the top.
Every notice is a notification row per person and channel, and every step an AlertEvent
listing who was told.
"""

from ._common import AUDIT_FIELDS, CLIENT_RELATED  # noqa: F401
from .bulk import AlertSpec, BulkResult, alerts_raise_bulk  # noqa: F401
from .chain import STEP_LABELS, Step, escalation_chain  # noqa: F401
from .escalation import (  # noqa: F401
    CRITICAL_MAX_MINUTES,
    alert_escalate,
    alerts_escalate_overdue,
    escalation_policy_update,
)
from .inbox import (  # noqa: F401
    ASSIGNEE_ERROR,
    alert_acknowledge,
    alert_acknowledge_many,
    alert_assign,
    alert_resolve,
)
from .raising import alert_raise, alert_resolve_cleared  # noqa: F401
