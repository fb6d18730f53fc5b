from __future__ import annotations

from django import forms

from .models import COPING, SUBSTANCES, TRIGGERS, MeetingAttendance


class ScaleField(forms.TypedChoiceField):
    """A row of answers on a scale; `ends` says what its two ends mean (shown under it)."""

    ends: tuple[str, str]


def _scale(low: int, high: int, label: str, ends: tuple[str, str], required: str):
    """A row of answers from `low` to `high`, none chosen until the client chooses."""
    field = ScaleField(
        label=label,
        choices=[(str(n), str(n)) for n in range(low, high + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )
    field.ends = ends  # what the two ends of the scale mean, shown under it
    return field


class CheckInForm(forms.Form):
    """The phone form: three scales, hours of sleep, one yes/no, one button. It starts empty:
    nothing is chosen for the client, and an unanswered question is refused next to it."""

    mood = _scale(
        1, 5, "Mood today", ("1 very low", "5 very good"), "Choose your mood today, from 1 to 5."
    )
    craving = _scale(
        0,
        10,
        "Cravings today",
        ("0 none", "10 the strongest"),
        "Choose how strong your cravings were, from 0 to 10.",
    )
    sleep_hours = forms.DecimalField(
        label="Sleep last night (hours)",
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": 0.5, "inputmode": "decimal"}),
        error_messages={"required": "Tell us how many hours you slept, e.g. 7 or 6.5."},
    )
    stress = _scale(
        0,
        10,
        "Stress today",
        ("0 calm", "10 overwhelmed"),
        "Choose how stressed you felt, from 0 to 10.",
    )
    used = forms.TypedChoiceField(
        label="Did you use alcohol or drugs today?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Answer yes or no. Whatever the answer, thank you."},
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
