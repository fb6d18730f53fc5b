from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from recoverypath.accounts.languages import Language
from recoverypath.accounts.selectors import PROGRAMS, STAFF, program_list_for_user, staff_colleagues
from recoverypath.core.params import ScopedChoiceField, scope_form
from recoverypath.core.permissions import Rank, staff_program_ids
from recoverypath.core.phones import normalize_phone
from recoverypath.core.timezones import time_zone_choices

from .models import Client, Race, SupportContact

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientForm(forms.ModelForm):
    program = ScopedChoiceField(PROGRAMS)
    primary_clinician = ScopedChoiceField(STAFF, required=False)
    coordinator = ScopedChoiceField(STAFF, required=False)
    time_zone = forms.ChoiceField(choices=time_zone_choices(), initial="America/New_York")
    race = forms.MultipleChoiceField(
        choices=Race.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("As the client describes themself; one or more. Leave empty if not asked."),
    )

    class Meta:
        model = Client
        fields = [
            "program",
            "mrn",
            "first_name",
            "last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "sex_assigned_at_birth",
            "ethnicity",
            "race",
            "phone",
            "email",
            "time_zone",
            "primary_clinician",
            "coordinator",
            "sobriety_date",
        ]
        widgets = {
            "date_of_birth": DATE,
            "sobriety_date": DATE,
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        required=False,
        help_text=_("The language of the client's pages and messages (once they have a login)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.instance.user if self.instance.pk and self.instance.user_id else None
        if login is None:
            del self.fields["language"]
        else:
            self.fields["language"].initial = login.language
        scope_form(
            self,
            user,
            primary_clinician=staff_colleagues(user=user, roles=["clinician", "admin"]),
            coordinator=staff_colleagues(user=user, roles=["coordinator", "clinician", "admin"]),
        )
        self.fields["phone"].help_text = "e.g. (202) 555-0143 or +1 202 555 0143"
        if not staff_program_ids(user, min_rank=Rank.CLINICIAN):
            # Front desk and coordinators register clients; clinicians assign the care team.
            del self.fields["primary_clinician"]
            del self.fields["coordinator"]

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def _post_clean(self):
        # Model-level checks (future dates, MRN uniqueness per organization) run in the service,
        # which knows the organization; here only the fields themselves are checked.
        pass


class SupportContactForm(forms.ModelForm):
    class Meta:
        model = SupportContact
        fields = ["name", "relationship", "phone", "kind", "is_emergency_contact"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}
        labels = {
            "name": _("Name"),
            "relationship": _("Relationship"),
            "phone": _("Phone"),
            "kind": _("Kind"),
            "is_emergency_contact": _("Emergency contact"),
        }

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def _post_clean(self):
        pass


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Search name or MRN"))
    program = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    clinician = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("name", "Name A-Z"),
            ("-name", "Name Z-A"),
            ("mrn", "MRN"),
            ("-sobriety", "Sobriety date, newest"),
            ("sobriety", "Sobriety date, oldest"),
            ("-created", "Newest first"),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "All programs")] + [
            (p.id, p.name) for p in program_list_for_user(user=user)
        ]
        self.fields["clinician"].choices = [("", "All clinicians")] + [
            (u.id, str(u)) for u in staff_colleagues(user=user, roles=["clinician", "admin"])
        ]


class ClientInviteForm(forms.Form):
    email = forms.EmailField(label=_("Invite by e-mail"), required=False)
    phone = forms.CharField(
        label=_("or by text message to"),
        max_length=32,
        required=False,
        help_text=_("A mobile number."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("email") and not (data.get("phone") or "").strip():
            raise forms.ValidationError(_("Give an e-mail address or a mobile number."))
        return data
