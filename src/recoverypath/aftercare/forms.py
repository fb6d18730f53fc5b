from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from recoverypath.care import forms as care_forms
from recoverypath.care import levels as care_levels
from recoverypath.clients.selectors import CONTACTS
from recoverypath.core.modality import Modality, SupportGroupTag
from recoverypath.core.params import ScopedChoiceField, ScopedMultipleChoiceField, scope_form
from recoverypath.core.phones import normalize_phone

from .models import AftercarePlan, CoordinatorCheckIn, ExternalProvider, Goal, PlanComponent
from .selectors import COMPONENTS, PROVIDERS


class PlanStartForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Length"),
        choices=[(3, "3 months"), (6, "6 months"), (0, "Custom (set an end date)")],
        coerce=int,
        initial=3,
    )
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for a custom length."),
    )
    checkin_every_days = forms.IntegerField(
        label=_("Coordinator check-in every (days)"), min_value=1, max_value=60, initial=14
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ComponentForm(forms.ModelForm):
    provider = ScopedChoiceField(PROVIDERS, required=False)
    tags = forms.MultipleChoiceField(
        choices=SupportGroupTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Group for (support groups)",
    )

    class Meta:
        model = PlanComponent
        fields = [
            "kind",
            "title",
            "frequency",
            "expected_per_week",
            "provider",
            "group_type",
            "meeting_schedule",
            "tags",
            "residence",
            "move_in_date",
            "prescriber",
            "next_visit",
            "details",
        ]
        widgets = {
            "move_in_date": forms.DateInput(attrs={"type": "date"}),
            "next_visit": forms.DateInput(attrs={"type": "date"}),
            "details": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(
            self, user, provider=ExternalProvider.objects.filter(organization_id=organization_id)
        )


class ContactForm(forms.Form):
    component = ScopedChoiceField(COMPONENTS)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    attended = forms.TypedChoiceField(
        choices=[("yes", "Attended"), ("no", "Missed")], coerce=lambda v: v == "yes"
    )
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, user, plan: AftercarePlan, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, component=plan.components.filter(active=True))


class GoalForm(forms.Form):
    description = forms.CharField(max_length=300)
    target_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class GoalNoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    status = forms.ChoiceField(choices=Goal.Status.choices)


class CheckInScheduleForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), help_text="The client's local time."
    )
    modality = forms.ChoiceField(choices=Modality.choices, initial=Modality.IN_PERSON)
    join_url = forms.URLField(
        required=False,
        label="Join link (video)",
        assume_scheme="https",
        help_text="Needed for video; must start with https://.",
    )
    call_details = forms.CharField(
        required=False, max_length=200, label="Phone details", help_text="The number to call."
    )


class CheckInRecordForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (CoordinatorCheckIn.Status.ATTENDED, "Attended"),
            (CoordinatorCheckIn.Status.MISSED, "Missed"),
            (CoordinatorCheckIn.Status.CANCELLED, "Cancelled"),
        ]
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class StepUpForm(ReasonForm):
    """Back to IOP: the reason plus the IOP admission check (care's placement questions)."""

    placement_override_reason = forms.CharField(
        label=care_forms.OVERRIDE_LABEL,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=care_forms.OVERRIDE_HELP,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        care_forms.add_placement_fields(self)

    def clean(self):
        data = super().clean()
        care_forms.clean_placement(self, care_levels.IOP)
        return data

    def placement_answers(self) -> dict[str, bool] | None:
        return care_forms.placement_answers_of(self, care_levels.IOP)


class SupportPreferencesForm(forms.Form):
    text_on_help = ScopedMultipleChoiceField(
        CONTACTS,
        label='When I press "I need help now", also text',
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your clinician and coordinator are always told at once."),
    )

    def __init__(self, *args, user, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, text_on_help=contacts)
        self.fields["text_on_help"].label_from_instance = lambda c: (
            f"{c.name} ({c.get_kind_display().lower()})"
        )


class ProviderForm(forms.ModelForm):
    modalities = forms.MultipleChoiceField(
        choices=Modality.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Sees clients",
    )

    class Meta:
        model = ExternalProvider
        fields = [
            "name",
            "kind",
            "services",
            "address",
            "phone",
            "modalities",
            "accepted_insurance",
            "accepting_new_clients",
        ]
        widgets = {
            "services": forms.Textarea(attrs={"rows": 2}),
            "accepted_insurance": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def _post_clean(self):
        pass
