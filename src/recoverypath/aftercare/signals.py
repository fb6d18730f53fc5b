"""Signals aftercare sends inside the writing transaction; earlywarning.aftercare_rules listens."""

from django.dispatch import Signal

# check_in=CoordinatorCheckIn (status attended/missed)
coordinator_check_in_recorded = Signal()
# contact=ComponentContact
component_contact_logged = Signal()
# help_request=HelpRequest
help_requested = Signal()
# A plan was started (sender: AftercarePlan; plan=): earlywarning gives it the client's risk rank.
plan_started = Signal()
