"""Forms parse what a person typed; the services decide what is allowed."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from recoverypath.accounts.selectors import PROGRAMS
from recoverypath.core.params import ScopedChoiceField, scope_form

from .catalog import ANALYTE_CHOICES, SPECIMEN_TYPES
from .models import AnalyteResult, TestingPolicy, TestSelection, Validity
from .selectors import MAX_REPORT_DAYS, PANELS

WEEKDAY_CHOICES = [
    (0, "Mon"),
    (1, "Tue"),
    (2, "Wed"),
    (3, "Thu"),
    (4, "Fri"),
    (5, "Sat"),
    (6, "Sun"),
]


class PolicyForm(forms.Form):
    tests_per_period = forms.IntegerField(label="Tests", min_value=1, max_value=31, initial=2)
    period = forms.ChoiceField(choices=TestingPolicy.Period.choices, initial="week")
    panel = ScopedChoiceField(PANELS, required=False)
    specimen_types = forms.MultipleChoiceField(
        choices=SPECIMEN_TYPES, widget=forms.CheckboxSelectMultiple, initial=["urine"]
    )
    window_days = forms.TypedMultipleChoiceField(
        label="Collection days",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    window_start = forms.TimeField(label="Window opens", initial="08:00")
    window_end = forms.TimeField(label="Window closes", initial="17:00")
    observed = forms.BooleanField(required=False, label="Observed collection")
    site = forms.CharField(label="Collection site", max_length=300)
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    replace = forms.BooleanField(required=False, label="Replace the current policy")

    def __init__(self, *args, user, panels=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, **({"panel": panels} if panels is not None else {}))


class SelectionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k, v) for k, v in TestSelection.Kind.choices if k != "random"]
    )
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    window_start = forms.TimeField(required=False, label="Window opens")
    window_end = forms.TimeField(required=False, label="Window closes")
    site = forms.CharField(required=False, max_length=300)
    reason = forms.CharField(required=False, max_length=500)


class CollectionForm(forms.Form):
    collected_at = forms.DateTimeField(
        label="Collected at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    specimen_type = forms.ChoiceField(label="Specimen", choices=SPECIMEN_TYPES)
    observed = forms.BooleanField(required=False)
    collector = forms.CharField(max_length=200)
    custody_form_number = forms.CharField(
        label="Chain-of-custody form number", max_length=64, required=False
    )
    validity = forms.ChoiceField(choices=Validity.choices, initial=Validity.VALID)
    brac = forms.DecimalField(
        label="BrAC (g/210 L)", required=False, max_digits=4, decimal_places=3
    )
    note = forms.CharField(required=False, max_length=500)


class ResultForm(forms.Form):
    analyte = forms.ChoiceField(choices=ANALYTE_CHOICES)
    stage = forms.ChoiceField(choices=AnalyteResult.Stage.choices)
    outcome = forms.ChoiceField(
        choices=[("", "From the value"), *AnalyteResult.Outcome.choices], required=False
    )
    value = forms.DecimalField(
        label="Value (ng/mL)", required=False, max_digits=10, decimal_places=2
    )


class MedicationForm(forms.Form):
    name = forms.CharField(label="Medication", max_length=200)
    analyte = forms.ChoiceField(label="Shows in tests as", choices=ANALYTE_CHOICES)
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    prescriber = forms.CharField(required=False, max_length=200)


class ExcuseForm(forms.Form):
    reason = forms.CharField(max_length=400)


class ReportForm(forms.Form):
    program = ScopedChoiceField(PROGRAMS, empty_label=None)
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, programs=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, **({"program": programs} if programs is not None else {}))
        if today is not None:
            self.fields["start"].initial = today - timedelta(days=83)
            self.fields["end"].initial = today

    def clean(self):
        """A friendly pre-check of the period; `selectors.program_report` is the authority and
        refuses the same periods with the same messages."""
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end cannot be before the start.")
            elif (end - start).days > MAX_REPORT_DAYS:
                self.add_error("start", "Choose at most two years.")
        return data
