"""Signals the clients app sends, inside the transaction of the change (a receiver's writes
commit or roll back with it).

care_team_changed(sender=Client, client=Client, actor=User, previous_clinician_id=int | None)
    the client's primary clinician changed (discharge's plan owner follows it).
"""

from __future__ import annotations

from django.dispatch import Signal

care_team_changed = Signal()
