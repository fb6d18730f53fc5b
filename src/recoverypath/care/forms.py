from __future__ import annotations

from typing import Any

from django import forms

from recoverypath.accounts.selectors import PROGRAMS, program_list_for_user
from recoverypath.core.params import ScopedChoiceField, scope_form
from recoverypath.core.permissions import Rank

from . import levels
from .models import Track
from .placement import MISSING_ANSWER, QUESTIONS, placement_questions_asked

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", "Yes"), ("no", "No")]


OVERRIDE_LABEL = "Reason to enroll despite the placement warning"
OVERRIDE_HELP = "Only needed when the admission check warns that IOP may not fit."


def add_placement_fields(form: forms.Form) -> None:
    for question in QUESTIONS:
        form.fields[question.name] = forms.TypedChoiceField(
            label=question.text,
            choices=YES_NO,
            widget=forms.RadioSelect,
            coerce=lambda v: v == "yes",
            required=False,
        )


def clean_placement(form: forms.Form, level_code: str) -> None:
    """Into an IOP level every asked placement question needs a yes or no (the same words the
    service raises, care.placement.MISSING_ANSWER)."""
    data = form.cleaned_data
    if not levels.is_iop(level_code or ""):
        return
    given = {
        q.name: data.get(q.name)
        for q in QUESTIONS
        if form.data.get(form.add_prefix(q.name)) in ("yes", "no")
    }
    for question in placement_questions_asked(given):
        if question.name not in given:
            form.add_error(question.name, MISSING_ANSWER)


def placement_answers_of(form: forms.Form, level_code: str) -> dict[str, bool] | None:
    """The asked answers for a move into an IOP level, else None (no check)."""
    if not levels.is_iop(level_code or ""):
        return None
    # Every asked question is answered yes or no here: clean_placement refused the form otherwise.
    answers: dict[str, Any] = {q.name: form.cleaned_data.get(q.name) for q in QUESTIONS}
    return {q.name: answers[q.name] for q in placement_questions_asked(answers)}


class EnrollmentForm(forms.Form):
    """Enrollment into a level of care; for IOP the four placement questions are required."""

    program = ScopedChoiceField(PROGRAMS)
    level_code = forms.ChoiceField(label="Level of care", initial=levels.IOP)
    track = forms.ChoiceField(choices=Track.choices, initial=Track.GENERAL)
    start_date = forms.DateField(widget=DATE)
    planned_end_date = forms.DateField(widget=DATE, required=False)
    placement_override_reason = forms.CharField(
        label=OVERRIDE_LABEL,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=OVERRIDE_HELP,
    )

    def __init__(self, *args, user, client, **kwargs):
        super().__init__(*args, **kwargs)
        programs = program_list_for_user(user=user, min_rank=Rank.CLINICIAN).filter(
            organization_id=client.organization_id
        )
        scope_form(self, user, program=programs)
        self.fields["program"].initial = client.program_id
        self.fields["level_code"].choices = levels.level_choices()
        add_placement_fields(self)

    def clean(self):
        data = super().clean()
        clean_placement(self, data.get("level_code") or "")
        return data

    def placement_answers(self) -> dict[str, bool] | None:
        return placement_answers_of(self, self.cleaned_data.get("level_code") or "")


class TransitionForm(forms.Form):
    """Step up or down; a move into IOP asks the placement questions as enrollment does."""

    level_code = forms.ChoiceField(label="Move to level")
    on_date = forms.DateField(label="Date of the move", widget=DATE)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    placement_override_reason = forms.CharField(
        label=OVERRIDE_LABEL,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=OVERRIDE_HELP,
    )

    def __init__(self, *args, episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_code"].choices = [
            (code, label)
            for code, label in levels.level_choices(episode.edition)
            if code != episode.level_code
        ]
        add_placement_fields(self)

    def clean(self):
        data = super().clean()
        clean_placement(self, data.get("level_code") or "")
        return data

    def placement_answers(self) -> dict[str, bool] | None:
        return placement_answers_of(self, self.cleaned_data.get("level_code") or "")


class FinishForm(forms.Form):
    end_date = forms.DateField(widget=DATE)
    end_reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
