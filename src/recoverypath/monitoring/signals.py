"""Signals monitoring sends, inside the writing transaction, so that early-warning rules
(earlywarning.checkins) raise their alerts atomically with the data that triggered them."""

from django.dispatch import Signal

# How many check-ins `recent` holds at most: the client's latest ones up to the submitted day,
# the new row first (fewer only when the client has no more). The longest rule window fits.
RECENT_FOR_RULES = 14

# check_in=CheckIn, created=bool, recent=[CheckIn] (see above; absent from other senders),
# inputs={name: value} (core.hooks.checkins; a value is None when the client had no check-in yet)
check_in_submitted = Signal()
# lapse=Lapse, created=bool
lapse_recorded = Signal()
