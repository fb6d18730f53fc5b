from __future__ import annotations

from django import forms

from recoverypath.accounts.selectors import PROGRAMS, program_list_for_user
from recoverypath.core.params import ScopedChoiceField, scope_form
from recoverypath.core.permissions import Rank

from . import levels
from .models import Track
from .placement import QUESTIONS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", "Yes"), ("no", "No")]


class EnrollmentForm(forms.Form):
    """Enrollment into a level of care; for IOP the four placement questions are required."""

    program = ScopedChoiceField(PROGRAMS)
    level_code = forms.ChoiceField(label="Level of care", initial=levels.IOP)
    track = forms.ChoiceField(choices=Track.choices, initial=Track.GENERAL)
    start_date = forms.DateField(widget=DATE)
    planned_end_date = forms.DateField(widget=DATE, required=False)
    placement_override_reason = forms.CharField(
        label="Reason to enroll despite the placement warning",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Only needed when the admission check warns that IOP may not fit.",
    )

    def __init__(self, *args, user, client, **kwargs):
        super().__init__(*args, **kwargs)
        programs = program_list_for_user(user=user, min_rank=Rank.CLINICIAN).filter(
            organization_id=client.organization_id
        )
        scope_form(self, user, program=programs)
        self.fields["program"].initial = client.program_id
        self.fields["level_code"].choices = levels.level_choices()
        for question in QUESTIONS:
            self.fields[question.name] = forms.TypedChoiceField(
                label=question.text,
                choices=YES_NO,
                widget=forms.RadioSelect,
                coerce=lambda v: v == "yes",
                required=False,
            )

    def clean(self):
        data = super().clean()
        if data.get("level_code") == levels.IOP:
            for question in QUESTIONS:
                if self.data.get(self.add_prefix(question.name)) not in ("yes", "no"):
                    self.add_error(question.name, "Answer this placement question for IOP.")
        return data

    def placement_answers(self) -> dict[str, bool] | None:
        if self.cleaned_data.get("level_code") != levels.IOP:
            return None
        return {q.name: self.cleaned_data[q.name] for q in QUESTIONS}


class TransitionForm(forms.Form):
    level_code = forms.ChoiceField(label="Move to level")
    on_date = forms.DateField(label="Date of the move", widget=DATE)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_code"].choices = [
            (code, label)
            for code, label in levels.level_choices(episode.edition)
            if code != episode.level_code
        ]


class FinishForm(forms.Form):
    end_date = forms.DateField(widget=DATE)
    end_reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
