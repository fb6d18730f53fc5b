"""Signals aftercare sends inside the writing transaction; earlywarning.aftercare_rules listens,
and discharge (its checklist's "aftercare plan drafted")."""

from django.dispatch import Signal

# check_in=CoordinatorCheckIn (status attended/missed)
coordinator_check_in_recorded = Signal()
# contact=ComponentContact
component_contact_logged = Signal()
# help_request=HelpRequest
help_requested = Signal()
# plan=AftercarePlan (just created, possibly starting later), actor=User: discharge completes its
# checklist, earlywarning gives the plan the client's risk rank.
aftercare_plan_started = Signal()
