from __future__ import annotations

from datetime import timedelta

from django import forms

from recoverypath.accounts.selectors import PROGRAMS
from recoverypath.core.params import ScopedChoiceField, scope_form
from recoverypath.core.timezones import local_today

from .selectors import period_check


class ReportForm(forms.Form):
    program = ScopedChoiceField(PROGRAMS, empty_label=None)
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, programs, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, program=programs)
        first = programs.first()
        if first is not None and not self.is_bound:
            today = local_today(first.time_zone)
            self.initial.update(
                {"program": first.id, "start": today - timedelta(days=365), "end": today}
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            period_check(start, end)  # the selectors' rule, checked early for the form
        return data
