from __future__ import annotations

from django import forms

from .models import COPING, SUBSTANCES, TRIGGERS, MeetingAttendance


class RangeInput(forms.NumberInput):
    input_type = "range"


class CheckInForm(forms.Form):
    """The phone form: four sliders, one yes/no, one button. Everything else is optional."""

    mood = forms.IntegerField(
        label="Mood", widget=RangeInput(attrs={"min": 1, "max": 5, "step": 1}), initial=3
    )
    craving = forms.IntegerField(
        label="Craving", widget=RangeInput(attrs={"min": 0, "max": 10, "step": 1}), initial=0
    )
    sleep_hours = forms.DecimalField(
        label="Sleep (hours)",
        widget=RangeInput(attrs={"min": 0, "max": 14, "step": 0.5}),
        initial=7,
    )
    stress = forms.IntegerField(
        label="Stress", widget=RangeInput(attrs={"min": 0, "max": 10, "step": 1}), initial=3
    )
    used = forms.TypedChoiceField(
        label="Did you use alcohol or drugs today?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    substances = forms.MultipleChoiceField(
        label="If yes: what?",
        choices=SUBSTANCES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    triggers = forms.MultipleChoiceField(
        label="Triggers I met",
        choices=TRIGGERS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    trigger_other = forms.CharField(label="Another trigger", required=False, max_length=200)
    coping = forms.MultipleChoiceField(
        label="What helped", choices=COPING, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    date = forms.DateField(required=False, widget=forms.HiddenInput)


class MeetingForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    meeting_type = forms.ChoiceField(label="Meeting", choices=MeetingAttendance.MeetingType.choices)
    meeting_name = forms.CharField(label="Meeting name", required=False, max_length=200)
    signature = forms.CharField(
        label="Signed by (optional)",
        required=False,
        max_length=200,
        help_text="Name or initials of the chair who signed your sheet.",
    )
    sheet = forms.FileField(
        label="Photo of the meeting sheet (optional)",
        required=False,
        help_text="JPEG, PNG or PDF, up to 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
