"""What each rewarded behaviour is and how it is verified, read through the owning app's
selectors: a behaviour is "met" (reward), "missed" (the streak resets) or neither (pending,
excused: nothing happens)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.http import Http404

from recoverypath.aftercare.selectors import coordinator_check_in_outcome
from recoverypath.monitoring.selectors import check_in_own_get
from recoverypath.scheduling.selectors import attendance_outcome
from recoverypath.testing.selectors import collection_outcome

from .models import Behaviour

if TYPE_CHECKING:
    from recoverypath.clients.models import Client

MET = "met"
MISSED = "missed"
NEITHER = "neither"

_TEST = {"negative": MET, "expected": MET, "positive": MISSED, "invalid": MISSED}
_ATTENDANCE = {"present": MET, "late": MET, "unexcused": MISSED}
_COORDINATOR = {"attended": MET, "missed": MISSED}


def verify(*, client: Client, behaviour: str, source_id: int) -> tuple[date, str] | None:
    """(local day, met/missed/neither), or None when the source is not the client's."""
    if behaviour == Behaviour.NEGATIVE_TEST:
        found = collection_outcome(client=client, collection_id=source_id)
        return None if found is None else (found[0], _TEST.get(found[1], NEITHER))
    if behaviour == Behaviour.ATTENDED_SESSION:
        found = attendance_outcome(client=client, session_id=source_id)
        return None if found is None else (found[0], _ATTENDANCE.get(found[1], NEITHER))
    if behaviour == Behaviour.COORDINATOR_CHECK_IN:
        found = coordinator_check_in_outcome(client=client, check_in_id=source_id)
        return None if found is None else (found[0], _COORDINATOR.get(found[1], NEITHER))
    if behaviour == Behaviour.DAILY_CHECK_IN:
        try:
            return check_in_own_get(client=client, check_in_id=source_id).date, MET
        except Http404:
            return None
    return None
