"""Forms for the checklist (one per item kind, turned into the item's structured data), plans,
graduation, referrals and providers (the provider form is aftercare's, which owns the
directory)."""

from __future__ import annotations

from django import forms

from recoverypath.aftercare.selectors import PROVIDERS, provider_kind_choices
from recoverypath.clients.selectors import CONTACTS
from recoverypath.core.modality import Modality
from recoverypath.core.params import ScopedChoiceField, scope_form

from . import checklist
from .models import ChecklistItem, Referral
from .selectors import REFERRALS, referral_queryset_for_client

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
Kind = ChecklistItem.Kind


def _id(row) -> int | None:
    return None if row is None else row.id


class ItemBaseForm(forms.Form):
    status = forms.ChoiceField(choices=ChecklistItem.Status.choices)
    due_date = forms.DateField(required=False, widget=DATE)
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where the proof is: a note, a call, a document.",
    )

    def __init__(self, *args, item: ChecklistItem, user, **kwargs):
        self.item = item
        super().__init__(*args, **kwargs)
        scope_form(self, user, **self.narrower())

    def narrower(self) -> dict:
        """Per id field, the rows of this item's client it may name (within the user's reach)."""
        return {}

    def item_data(self) -> dict:
        return {}


class LivingForm(ItemBaseForm):
    situation = forms.ChoiceField(choices=[("", "—"), *checklist.LIVING.items()], required=False)
    plan = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def item_data(self) -> dict:
        return {"situation": self.cleaned_data["situation"], "plan": self.cleaned_data["plan"]}


class BarriersForm(ItemBaseForm):
    barriers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Barriers and plans",
        help_text="One per line: barrier | plan (e.g. Friends who drink | Sees them at the gym)",
    )

    def item_data(self) -> dict:
        rows = []
        for line in self.cleaned_data["barriers"].splitlines():
            if not line.strip():
                continue
            barrier, _, plan = line.partition("|")
            rows.append({"barrier": barrier.strip(), "plan": plan.strip()})
        return {"barriers": rows}


class PeerForm(ItemBaseForm):
    group_kind = forms.ChoiceField(
        label="Group", choices=[("", "—"), *checklist.PEER_GROUPS.items()], required=False
    )
    group_name = forms.CharField(label="Group name (for other)", required=False)
    meeting_days = forms.MultipleChoiceField(
        choices=[(d, d.title()) for d in checklist.WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def item_data(self) -> dict:
        if not self.cleaned_data["group_kind"]:
            return {"groups": []}
        return {
            "groups": [
                {
                    "kind": self.cleaned_data["group_kind"],
                    "name": self.cleaned_data["group_name"],
                    "meeting_days": self.cleaned_data["meeting_days"],
                }
            ]
        }


class FamilyForm(ItemBaseForm):
    involvement = forms.ChoiceField(choices=[("", "—"), *checklist.FAMILY.items()], required=False)
    sessions = forms.IntegerField(min_value=0, max_value=100, required=False)
    family_receives_information = forms.BooleanField(
        required=False, label="Family will receive information about treatment"
    )
    contact_id = ScopedChoiceField(CONTACTS, label="Family member", required=False, empty_label="—")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_id"].label_from_instance = lambda c: (
            f"{c.name} ({c.relationship or c.get_kind_display()})"
        )

    def narrower(self) -> dict:
        return {"contact_id": self.item.plan.client.support_contacts.order_by("id")}

    def item_data(self) -> dict:
        return {
            "involvement": self.cleaned_data["involvement"],
            "sessions": self.cleaned_data["sessions"] or 0,
            "family_receives_information": self.cleaned_data["family_receives_information"],
            "contact_id": _id(self.cleaned_data["contact_id"]),
        }


class MedicationForm(ItemBaseForm):
    no_medications = forms.BooleanField(required=False, label="No current medications")
    medications = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: name | dose",
    )
    prescriber_after_discharge = forms.CharField(required=False, max_length=200)
    next_appointment_date = forms.DateField(required=False, widget=DATE)
    supply_until = forms.DateField(required=False, widget=DATE, label="Supply lasts until")

    def item_data(self) -> dict:
        meds = []
        for line in self.cleaned_data["medications"].splitlines():
            if line.strip():
                name, _, dose = line.partition("|")
                meds.append({"name": name.strip(), "dose": dose.strip()})
        d = self.cleaned_data
        return {
            "no_medications": d["no_medications"],
            "medications": meds,
            "prescriber_after_discharge": d["prescriber_after_discharge"],
            "next_appointment_date": d["next_appointment_date"],
            "supply_until": d["supply_until"],
        }


class FirstAppointmentForm(ItemBaseForm):
    referral_id = ScopedChoiceField(
        REFERRALS, label="Booked referral", required=False, empty_label="—"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral_id"].label_from_instance = lambda r: (
            f"{r.provider.name} · {r.get_status_display()}"
        )

    def narrower(self) -> dict:
        return {"referral_id": referral_queryset_for_client(client=self.item.plan.client)}

    def item_data(self) -> dict:
        return {"referral_id": _id(self.cleaned_data["referral_id"])}


class AftercarePlanForm(ItemBaseForm):
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Aftercare plan summary"
    )

    def item_data(self) -> dict:
        return {"summary": self.cleaned_data["summary"]}


class AlumniForm(ItemBaseForm):
    offered_on = forms.DateField(required=False, widget=DATE)

    def item_data(self) -> dict:
        return {"offered_on": self.cleaned_data["offered_on"]}


ITEM_FORMS: dict[str, type[ItemBaseForm]] = {
    Kind.LIVING_SITUATION: LivingForm,
    Kind.BARRIERS: BarriersForm,
    Kind.PEER_SUPPORT: PeerForm,
    Kind.FAMILY: FamilyForm,
    Kind.MEDICATION: MedicationForm,
    Kind.FIRST_APPOINTMENT: FirstAppointmentForm,
    Kind.SAFETY_PLAN: ItemBaseForm,
    Kind.AFTERCARE_PLAN: AftercarePlanForm,
    Kind.ALUMNI: AlumniForm,
}


def item_initial(item: ChecklistItem) -> dict:
    d = item.data or {}
    initial = {"status": item.status, "due_date": item.due_date, "evidence": item.evidence}
    if item.kind == Kind.BARRIERS:
        initial["barriers"] = "\n".join(
            f"{b['barrier']} | {b['plan']}" for b in d.get("barriers", [])
        )
    elif item.kind == Kind.PEER_SUPPORT and d.get("groups"):
        g = d["groups"][0]
        initial.update(group_kind=g["kind"], group_name=g["name"], meeting_days=g["meeting_days"])
    elif item.kind == Kind.MEDICATION:
        initial.update({k: v for k, v in d.items() if k != "medications"})
        initial["medications"] = "\n".join(
            f"{m['name']} | {m['dose']}" for m in d.get("medications", [])
        )
    else:
        initial.update(d)
    return initial


class PlanForm(forms.Form):
    target_graduation_date = forms.DateField(widget=DATE)
    diagnoses = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="As recorded, one per line: code | description (e.g. F10.20 | Alcohol use "
        "disorder, moderate)",
    )

    def diagnosis_rows(self) -> list[dict]:
        rows = []
        for line in self.cleaned_data["diagnoses"].splitlines():
            if line.strip():
                code, _, description = line.partition("|")
                if not description:
                    code, description = "", code
                rows.append({"code": code.strip(), "description": description.strip()})
        return rows


class GraduateForm(forms.Form):
    graduation_date = forms.DateField(required=False, widget=DATE)
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Override reason",
        help_text="Needed only when required items are still open; it is kept and shown.",
    )


class ReferralForm(forms.Form):
    provider = ScopedChoiceField(PROVIDERS)
    reason = forms.CharField(required=False, max_length=300)
    appointment_at = forms.DateTimeField(
        required=False, widget=DATETIME, label="First appointment (if booked)"
    )
    appointment_modality = forms.ChoiceField(
        choices=Modality.choices, initial=Modality.IN_PERSON, label="How", required=False
    )
    join_url = forms.URLField(
        required=False,
        label="Join link (video)",
        assume_scheme="https",
        help_text="Needed for video; must start with https://.",
    )
    call_details = forms.CharField(
        required=False, max_length=200, label="Phone details", help_text="The number to call."
    )

    def __init__(self, *args, user, providers, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, provider=providers)


class ReferralMoveForm(forms.Form):
    to = forms.ChoiceField(choices=Referral.Status.choices, label="New status")
    appointment_at = forms.DateTimeField(required=False, widget=DATETIME)
    appointment_modality = forms.ChoiceField(
        choices=Modality.choices, initial=Modality.IN_PERSON, label="How", required=False
    )
    join_url = forms.URLField(
        required=False,
        label="Join link (video)",
        assume_scheme="https",
        help_text="Needed for video; must start with https://.",
    )
    call_details = forms.CharField(
        required=False, max_length=200, label="Phone details", help_text="The number to call."
    )
    attended_on = forms.DateField(required=False, widget=DATE)
    note = forms.CharField(required=False, max_length=500)


class ProviderFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *provider_kind_choices()])
    accepting = forms.BooleanField(required=False, label="Accepting new clients")
    telehealth = forms.BooleanField(required=False, label="Telehealth")
    modality = forms.ChoiceField(
        required=False, choices=[("", "Any way"), *Modality.choices], label="Sees clients"
    )


class ShareForm(forms.Form):
    referral = ScopedChoiceField(REFERRALS, label="Send to")

    def __init__(self, *args, user, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, referral=referrals)
        self.fields["referral"].label_from_instance = lambda r: r.provider.name
