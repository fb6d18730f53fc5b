from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COPING, SUBSTANCES, TRIGGERS, MeetingAttendance

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class ScaleField(forms.TypedChoiceField):
    """A row of answers on a scale; `ends` says what its two ends mean (shown under it)."""

    ends: tuple


def _scale(low: int, high: int, label: _StrOrPromise, ends: tuple, required: _StrOrPromise):
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
        1,
        5,
        _("Mood today"),
        (_("1 very low"), _("5 very good")),
        _("Choose your mood today, from 1 to 5."),
    )
    craving = _scale(
        0,
        10,
        _("Cravings today"),
        (_("0 none"), _("10 the strongest")),
        _("Choose how strong your cravings were, from 0 to 10."),
    )
    sleep_hours = forms.DecimalField(
        label=_("Sleep last night (hours)"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": 0.5, "inputmode": "decimal"}),
        error_messages={"required": _("Tell us how many hours you slept, e.g. 7 or 6.5.")},
    )
    stress = _scale(
        0,
        10,
        _("Stress today"),
        (_("0 calm"), _("10 overwhelmed")),
        _("Choose how stressed you felt, from 0 to 10."),
    )
    used = forms.TypedChoiceField(
        label=_("Did you use alcohol or drugs today?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no. Whatever the answer, thank you.")},
    )
    substances = forms.MultipleChoiceField(
        label=_("If yes: what?"),
        choices=SUBSTANCES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    triggers = forms.MultipleChoiceField(
        label=_("Triggers I met"),
        choices=TRIGGERS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    trigger_other = forms.CharField(label=_("Another trigger"), required=False, max_length=200)
    coping = forms.MultipleChoiceField(
        label=_("What helped"), choices=COPING, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    date = forms.DateField(required=False, widget=forms.HiddenInput)


class MeetingForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    meeting_type = forms.ChoiceField(
        label=_("Meeting"), choices=MeetingAttendance.MeetingType.choices
    )
    meeting_name = forms.CharField(label=_("Meeting name"), required=False, max_length=200)
    signature = forms.CharField(
        label=_("Signed by (optional)"),
        required=False,
        max_length=200,
        help_text=_("Name or initials of the chair who signed your sheet."),
    )
    sheet = forms.FileField(
        label=_("Photo of the meeting sheet (optional)"),
        required=False,
        help_text=_("JPEG, PNG or PDF, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
