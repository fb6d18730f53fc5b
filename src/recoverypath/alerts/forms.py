from __future__ import annotations

from django import forms

from recoverypath.accounts.selectors import PROGRAMS, STAFF
from recoverypath.core.params import ScopedChoiceField, scope_form

from .kinds import kind_label
from .models import EscalationPolicy, Severity
from .selectors import (
    STATUS_FILTERS,
    alert_colleagues,
    alert_kinds,
    alert_program_ids,
    alert_programs,
)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("active", "Open or acknowledged"),
            ("open", "Open"),
            ("acknowledged", "Acknowledged"),
            ("resolved", "Resolved"),
            ("all", "All"),
        ],
    )
    severity = forms.ChoiceField(required=False, choices=[("", "Any severity"), *Severity.choices])
    kind = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    program = ScopedChoiceField(PROGRAMS, required=False, empty_label="All my programs")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind")] + [
            (k, kind_label(k)) for k in alert_kinds(user=user)
        ]
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Unassigned"),
        ] + [(str(u.id), str(u)) for u in alert_colleagues(user=user)]
        program_ids = alert_program_ids(user=user)
        if len(program_ids) < 2:
            del self.fields["program"]
        else:
            scope_form(self, user, program=alert_programs(user=user))

    def filters(self, user) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "active"
        assignee = data.get("assignee") or ""
        program = data.get("program")
        return {
            "status": status if status in STATUS_FILTERS else "active",
            "severity": data.get("severity") or "",
            "kind": data.get("kind") or "",
            "assignee_id": user.id
            if assignee == "me"
            else (int(assignee) if assignee.isdigit() else None),
            "unassigned": assignee == "none",
            "program_id": program.id if program else None,
        }


class AssignForm(forms.Form):
    assignee = ScopedChoiceField(STAFF, required=False, empty_label="Nobody", label="Assign to")

    def __init__(self, *args, user, choices, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, assignee=choices)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="Resolution note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="What was done. Required.",
    )


class EscalationPolicyForm(forms.ModelForm):
    class Meta:
        model = EscalationPolicy
        fields = ["critical_minutes", "high_minutes", "medium_minutes", "low_minutes", "chain"]
        labels = {"chain": "Who is told, in order"}
        help_texts = {
            "critical_minutes": (
                "Minutes between pages, 1 to 60. Required: a critical alert pages until someone "
                "acknowledges it."
            ),
            "high_minutes": "Minutes; leave empty for never.",
            "medium_minutes": "Minutes; leave empty for never.",
            "low_minutes": "Minutes; leave empty for never.",
            "chain": "After the assignee, if the alert has one.",
        }
        error_messages = {
            "critical_minutes": {
                "required": "Critical alerts always page until someone answers: enter minutes."
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].required = False  # left out: the program keeps its current order

    def clean_chain(self) -> str | None:
        return self.cleaned_data.get("chain") or None
