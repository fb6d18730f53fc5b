from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SECTIONS


class SafetyPlanForm(forms.Form):
    """The plan's sections; initial values come from the current version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, (name, title, hint) in enumerate(SECTIONS):
            self.fields[name] = forms.CharField(
                label=title,
                help_text=hint,
                required=index < 6,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["written_with_client"] = forms.BooleanField(
            label=_("Written together with the client"), required=False, initial=True
        )
        self.fields["change_note"] = forms.CharField(
            label=_("What changed (optional)"), required=False, max_length=300
        )


class SafetyProfileForm(forms.Form):
    history_of_self_harm = forms.BooleanField(label=_("History of self-harm"), required=False)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class SafetyReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, max_length=2000)
