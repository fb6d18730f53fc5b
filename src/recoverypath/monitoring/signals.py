"""Signals monitoring sends, inside the writing transaction, so that early-warning rules
(earlywarning.checkins) raise their alerts atomically with the data that triggered them."""

from django.dispatch import Signal

# check_in=CheckIn, created=bool
check_in_submitted = Signal()
# lapse=Lapse, created=bool
lapse_recorded = Signal()
